namespace Brindle.Cli.Tests.Commands;

/// <summary>Mistakes on the command line get one clear line each (with the nearest valid name), never a stack trace.</summary>
public sealed class CommandLineErrorTests
{
    [Fact]
    public async Task UnknownVerb_SuggestsNearest()
    {
        var run = await CliRunner.Offline.RunAsync("aply", "-f", "x.yaml");
        Assert.Equal(ExitCodes.Usage, run.Exit);
        Assert.StartsWith("brindle: unknown command 'aply' for 'brindle' (did you mean 'apply'", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFlag_SuggestsNearest()
    {
        var run = await CliRunner.Offline.RunAsync("get", "ippools", "--all-namespace");
        Assert.Equal(ExitCodes.Usage, run.Exit);
        Assert.Contains("unknown flag '--all-namespace' for 'brindle get' (did you mean '--all-namespaces'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'brindle get --help' for usage.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownKind_SuggestsAlias()
    {
        var run = await CliRunner.Offline.RunAsync("get", "ipool");
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Equal("brindle: unknown resource kind 'ipool' (did you mean 'ippool'?)\n", run.Error);
    }

    [Fact]
    public async Task UnreachableEtcd_OneLine()
    {
        var run = await CliRunner.Etcd("http://127.0.0.1:1").RunAsync("get", "ippools");
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("127.0.0.1:1", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadConfigFile_NamesFileAndField()
    {
        var run = await CliRunner.Offline.RunAsync("get", "ippools", "--config", "/nonexistent/brindle.cfg");
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains("/nonexistent/brindle.cfg", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadOutputFormat_ListsChoices()
    {
        var run = await CliRunner.Offline.RunAsync("get", "ippools", "-o", "xml");
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Equal("brindle: unknown output format 'xml' (use one of: table (ps), wide, yaml, json, name)\n", run.Error);
    }

    [Fact]
    public async Task Validate_BadInputFromStdin_EveryProblemNamedNothingNeedsStore()
    {
        const string input = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: a}\nspec: {cidr: 10.0.0.0/8, blockSize: 8}\n---\napiVersion: projectcalico.org/v3\nkind: Widget\nmetadata: {name: w}\n";
        var run = await CliRunner.Offline.RunWithInputAsync(input, "validate", "-f", "-");
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains("-: document 1 (IPPool 'a'): spec.blockSize:", run.Error, StringComparison.Ordinal);
        Assert.Contains("-: document 2 (Widget 'w'): kind: unknown kind 'Widget'", run.Error, StringComparison.Ordinal);
        Assert.EndsWith("brindle: 2 problems found; the manifests are not valid\n", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Good_CountsResources()
    {
        const string input = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: a}\nspec: {cidr: 10.0.0.0/8}\n";
        var run = await CliRunner.Offline.RunWithInputAsync(input, "validate", "-f", "-");
        Assert.Equal("1 resource valid\n", run.Out);
    }
}
