using System.CommandLine;
using Brindle.Datastore.Config;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;

namespace Brindle.Cli;

/// <summary>
/// Opens the datastore a command line names: <c>--config FILE</c> (a CalicoAPIConfig) overridden by the environment
/// (DATASTORE_TYPE, DATASTORE_PATH, ETCD_ENDPOINTS, …). Problems come back as one plain line
/// (<see cref="Brindle.Datastore.DatastoreException"/>), never a stack trace.
/// </summary>
internal static class CliDatastore
{
    public static DatastoreConfig LoadConfig(CliConsole console, ParseResult parseResult) =>
        DatastoreConfig.Load(parseResult.GetValue(GlobalOptions.Config), console.EnvironmentOrProcess);

    public static async Task<IKeyValueStore> OpenAsync(CliConsole console, ParseResult parseResult, CancellationToken cancellationToken) =>
        await DatastoreFactory.OpenAsync(LoadConfig(console, parseResult), cancellationToken);

    /// <summary>Runs <paramref name="action"/> with a typed client over the configured store and closes the store afterwards.</summary>
    public static async Task<int> WithResourcesAsync(CliConsole console, ParseResult parseResult, Func<ResourceStore, Task<int>> action, CancellationToken cancellationToken)
    {
        await using var store = await OpenAsync(console, parseResult, cancellationToken);
        return await action(new ResourceStore(store));
    }
}
