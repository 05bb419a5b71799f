using System.Diagnostics;
using System.Text.Json;
using Brindle.Platform;
using Brindle.Testing;
using Xunit.Abstractions;

namespace Brindle.Cli.Commands.Tests;

/// <summary>
/// The issue's stress test through the real executable: 8 separate OS processes, each <c>dotnet brindle.dll ipam assign
/// --repeat 250</c> (250 one-address requests through the CLI code path, handles <c>stress-K-0 … stress-K-249</c>), at once,
/// against one embedded SQLite file and against a real etcd. Two processes per node, so they race for the same blocks;
/// /27 blocks in a /20 (4 nodes x 16 of 128 blocks: within the default 20 blocks per host), so claims contend too.
/// </summary>
public sealed class IpamStressTests(ITestOutputHelper log) : IDisposable
{
    private const int Processes = 8;
    private const int PerProcess = 250;
    private const int Nodes = 4;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

    private readonly TempDirectory _dir = new("brindle-ipam-stress");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public Task EightCliProcesses_EmbeddedStore_HandOutTwoThousandDistinctAddresses() =>
        RunAsync($"datastoreType: embedded\n  datastorePath: {_dir.Combine("store.db")}");

    [Fact]
    public async Task EightCliProcesses_Etcd_HandOutTwoThousandDistinctAddresses()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await RunAsync($"datastoreType: etcdv3\n  etcdEndpoints: {etcd.Endpoint}");
    }

    private async Task RunAsync(string spec)
    {
        var config = Write("brindle.cfg", $"apiVersion: projectcalico.org/v3\nkind: CalicoAPIConfig\nspec:\n  {spec}\n");
        var manifests = string.Join("---\n", Enumerable.Range(0, Nodes).Select(n => $"apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: {NodeOf(n)}\n"));
        manifests += "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: stress\nspec:\n  cidr: 10.64.0.0/20\n  blockSize: 27\n";
        await BrindleAsync(config, "apply", "-f", Write("resources.yaml", manifests));

        var clock = Stopwatch.StartNew();
        var outputs = await Task.WhenAll(Enumerable.Range(0, Processes).Select(k =>
            BrindleAsync(config, "ipam", "assign", "--node", NodeOf(k), "--handle", $"stress-{k}", "--repeat", PerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json")));
        log.WriteLine($"{Processes} processes x {PerProcess} assignments: {clock.Elapsed.TotalSeconds:F1} s (including process start-up)");

        var ips = outputs.SelectMany(o => JsonDocument.Parse(o).RootElement.GetProperty("ips").EnumerateArray().Select(e => e.GetString()!)).ToList();
        Assert.Equal(Processes * PerProcess, ips.Count);
        Assert.Equal(ips.Count, ips.Distinct(StringComparer.Ordinal).Count());

        var show = JsonDocument.Parse(await BrindleAsync(config, "ipam", "show", "--show-blocks", "-o", "json")).RootElement;
        // No workload endpoints exist, so check calls every address leaked (exit 1) and must name exactly the assigned ones.
        var check = JsonDocument.Parse(await BrindleAsync(config, [1], "ipam", "check", "-o", "json")).RootElement;
        Assert.Equal(ips.Count, show.GetProperty("allocated").GetInt32());
        Assert.Equal(ips.Count, show.GetProperty("pools")[0].GetProperty("allocated").GetInt32());
        Assert.Equal(ips.Count, show.GetProperty("blocks").EnumerateArray().Sum(b => b.GetProperty("allocated").GetInt32()));
        Assert.Equal(ips.Count, check.GetProperty("allocated").GetInt32());
        Assert.Equal(ips.Count, check.GetProperty("handles").GetInt32());
        Assert.Equal(ips.Count, check.GetProperty("handleAddresses").GetInt32());
        Assert.Equal(show.GetProperty("blocks").GetArrayLength(), check.GetProperty("blocks").GetInt32());
        Assert.Equal(ips.Order(StringComparer.Ordinal), check.GetProperty("leaked").EnumerateArray().Select(l => l.GetProperty("ip").GetString()!).Order(StringComparer.Ordinal));
        foreach (var problems in new[] { "missing", "handleProblems", "affinityProblems", "blockProblems" }) Assert.Equal(0, check.GetProperty(problems).GetArrayLength());

        await Task.WhenAll(Enumerable.Range(0, Processes).Select(k =>
            BrindleAsync(config, "ipam", "release", "--handle", $"stress-{k}", "--repeat", PerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        var after = JsonDocument.Parse(await BrindleAsync(config, "ipam", "check", "-o", "json")).RootElement;
        Assert.True(after.GetProperty("clean").GetBoolean());
        Assert.Equal(0, after.GetProperty("allocated").GetInt32());
        Assert.Equal(0, after.GetProperty("handles").GetInt32());
    }

    private static string NodeOf(int k) => $"stress-node-{k % Nodes}";

    private string Write(string name, string text)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private Task<string> BrindleAsync(string config, params string[] args) => BrindleAsync(config, [0], args);

    /// <summary>Runs the built <c>brindle.dll</c> (copied next to this test assembly) in its own process; returns stdout.</summary>
    private async Task<string> BrindleAsync(string config, int[] expectedExits, params string[] args)
    {
        var command = new CommandSpec("dotnet", [Path.Combine(AppContext.BaseDirectory, "brindle.dll"), "--config", config, .. args]) { Timeout = ProcessTimeout };
        var result = await ProcessCommandRunner.Instance.RunAsync(command);
        Assert.True(expectedExits.Contains(result.ExitCode), $"{command}: exit {result.ExitCode}\n{result.StandardError}");
        return result.StandardOutput;
    }
}
