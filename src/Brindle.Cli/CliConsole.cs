using System.Collections;

namespace Brindle.Cli;

/// <summary>
/// The standard streams a command handler uses, and the environment it reads (DATASTORE_TYPE, ETCD_ENDPOINTS, …);
/// tests pass string writers and their own environment.
/// </summary>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error)
{
    /// <summary>Environment variables for datastore selection; null means the process environment.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    public IReadOnlyDictionary<string, string?> EnvironmentOrProcess => Environment ?? ProcessEnvironment();

    private static Dictionary<string, string?> ProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables()) result[(string)e.Key] = e.Value as string;
        return result;
    }
}
