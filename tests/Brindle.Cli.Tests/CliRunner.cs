namespace Brindle.Cli.Tests;

/// <summary>The outcome of one in-process <c>brindle</c> run.</summary>
internal sealed record CliRun(int Exit, string Out, string Error)
{
    public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>Runs the real command tree in-process against an isolated environment (no process variables leak in).</summary>
internal sealed class CliRunner(IReadOnlyDictionary<string, string?> environment)
{
    public static CliRunner Offline { get; } = new(new Dictionary<string, string?>());

    /// <summary>A runner whose datastore is the embedded SQLite file <paramref name="path"/>.</summary>
    public static CliRunner Embedded(string path) => new(new Dictionary<string, string?> { ["DATASTORE_PATH"] = path });

    /// <summary>A runner whose datastore is the etcd at <paramref name="endpoint"/>.</summary>
    public static CliRunner Etcd(string endpoint) =>
        new(new Dictionary<string, string?> { ["DATASTORE_TYPE"] = "etcdv3", ["ETCD_ENDPOINTS"] = endpoint });

    public IReadOnlyDictionary<string, string?> Environment => environment;

    public Task<CliRun> RunAsync(params string[] args) => RunWithInputAsync("", args);

    public async Task<CliRun> RunWithInputAsync(string stdin, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var console = new CliConsole(new StringReader(stdin), output, error) { Environment = environment };
        var exit = await CliApplication.RunAsync(console, args);
        return new CliRun(exit, output.ToString(), error.ToString());
    }
}
