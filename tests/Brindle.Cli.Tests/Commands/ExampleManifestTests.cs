using Brindle.Testing;

namespace Brindle.Cli.Tests.Commands;

/// <summary>The shared examples (copies under tests/Brindle.Api.Tests/Golden/examples): v3 files apply, v1 files convert and apply.</summary>
public sealed class ExampleManifestTests : IDisposable
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Examples");
    private readonly TempDirectory _dir = new("brindle-cli-examples");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> V3Files() => [.. Files("seed-v3")];

    public static TheoryData<string> V1Files() => [.. Files("seed-v1")];

    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Theory]
    [MemberData(nameof(V3Files))]
    public async Task Apply_SeedV3_AppliesAndGetsBack(string file)
    {
        var cli = CliRunner.Embedded(_dir.Combine("store.db"));
        var path = Path.Combine(Root, "seed-v3", file);
        var run = await cli.RunAsync("apply", "-f", path);
        Assert.True(run.Exit == ExitCodes.Success, run.ToString());
        Assert.StartsWith("Successfully applied ", run.Out, StringComparison.Ordinal);
        Assert.Empty(run.Error);
        var validate = await CliRunner.Offline.RunAsync("validate", "-f", path);
        Assert.True(validate.Exit == ExitCodes.Success, validate.ToString());
    }

    [Theory]
    [MemberData(nameof(V1Files))]
    public async Task Convert_SeedV1_PrintsV3ThatValidatesAndApplies(string file)
    {
        var path = Path.Combine(Root, "seed-v1", file);
        var convert = await CliRunner.Offline.RunAsync("convert", "-f", path);
        Assert.True(convert.Exit == ExitCodes.Success, convert.ToString());
        Assert.Contains("apiVersion: projectcalico.org/v3", convert.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("apiVersion: v1", convert.Out, StringComparison.Ordinal);
        Assert.Contains("converted from calicoctl v1:", convert.Error, StringComparison.Ordinal);

        var converted = _dir.Combine("converted.yaml");
        await File.WriteAllTextAsync(converted, convert.Out);
        var validate = await CliRunner.Offline.RunAsync("validate", "-f", converted);
        Assert.True(validate.Exit == ExitCodes.Success, validate.ToString());

        var apply = await CliRunner.Embedded(_dir.Combine("store.db")).RunAsync("apply", "-f", path);
        Assert.True(apply.Exit == ExitCodes.Success, apply.ToString());
        Assert.Contains("converted from calicoctl v1:", apply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AllExamplesTogether_OneRunDirectoryRecursive()
    {
        var cli = CliRunner.Embedded(_dir.Combine("all.db"));
        var run = await cli.RunAsync("apply", "-f", Path.Combine(Root, "seed-v3"), "-R");
        Assert.True(run.Exit == ExitCodes.Success, run.ToString());
        var policies = await cli.RunAsync("get", "networkpolicies", "-A");
        Assert.Contains("production  ", policies.Out, StringComparison.Ordinal);
        Assert.Contains("web-db-policy", policies.Out, StringComparison.Ordinal);
    }
}
