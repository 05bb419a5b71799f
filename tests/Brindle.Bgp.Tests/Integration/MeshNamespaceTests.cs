using System.Net;
using Brindle.Bgp.Config;
using Brindle.Bgp.Model;
using Brindle.Bgp.Status;
using Brindle.Bgp.Supervisor;
using static Brindle.Bgp.Tests.BgpScenarios;

using Brindle.Testing.Bgp;

namespace Brindle.Bgp.Tests.Integration;

/// <summary>Privileged: three hosts in network namespaces, each with a real BIRD, in the default full mesh.</summary>
public sealed class MeshNamespaceTests
{
    private static readonly IReadOnlyList<BgpNodeInput> Nodes = ThreeNodes();

    private static BgpInput Input(int index, params string[] extraBlocks) =>
        For(Nodes[index], Nodes, blocks: [BlockFor(Nodes[index], Nodes).ToString(), .. extraBlocks]) with
        {
            BorrowedAddresses = index == 0 ? [IPNetwork.Parse("10.65.2.7/32")] : [],
        };

    private static async Task<BgpNamespaceLab> StartMeshAsync(string tag)
    {
        var lab = await BgpNamespaceLab.CreateAsync(tag);
        try
        {
            for (var i = 0; i < Nodes.Count; i++) await lab.AddRouterAsync(Nodes[i].Name, Nodes[i].IPv4Address!.ToString());
            for (var i = 0; i < Nodes.Count; i++)
                Assert.Equal(BirdApplyOutcome.Started, (await lab.ApplyAsync(Nodes[i].Name, BirdConfigRenderer.Render(Input(i)))).Outcome);
            foreach (var node in Nodes) await lab.WaitForEstablishedAsync(node.Name, 2);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task Mesh_ThreeHosts_BlocksReachEveryKernelAndWithdrawalRemovesThem()
    {
        await using var lab = await StartMeshAsync("mesh");

        // Each host's affine block appears in the other hosts' kernels, via that host.
        await lab.WaitForRouteAsync("node-b", "10.65.0.0/26 via 192.0.2.1");
        await lab.WaitForRouteAsync("node-c", "10.65.1.0/26 via 192.0.2.2");
        Assert.Contains(await lab.RoutesAsync("node-a"), r => r.StartsWith("blackhole 10.65.0.0/26 proto bird", StringComparison.Ordinal));

        // Real packets follow the learned routes: a "workload" address on node-a's loopback answers node-c.
        await lab.Run("node-a", "ip", "addr", "add", "10.65.0.5/32", "dev", "lo");
        await lab.Run("node-c", "ip", "addr", "add", "10.65.2.5/32", "dev", "lo");
        await lab.WaitForRouteAsync("node-a", "10.65.2.0/26 via 192.0.2.3");
        var ping = await lab.Run("node-c", "ping", "-c", "1", "-W", "2", "-I", "10.65.2.5", "10.65.0.5");
        Assert.Contains("1 received", ping.StandardOutput, StringComparison.Ordinal);

        // A new block on node-a: announced after a reconfigure, withdrawn after the next.
        Assert.Equal(BirdApplyOutcome.Reconfigured, (await lab.ApplyAsync("node-a", BirdConfigRenderer.Render(Input(0, "10.65.5.0/26")))).Outcome);
        await lab.WaitForRouteAsync("node-c", "10.65.5.0/26 via 192.0.2.1");
        Assert.Equal(BirdApplyOutcome.Reconfigured, (await lab.ApplyAsync("node-a", BirdConfigRenderer.Render(Input(0)))).Outcome);
        await lab.WaitForRouteAsync("node-c", "10.65.5.0/26", present: false);
    }

    [Fact]
    public async Task Mesh_KernelRoutes_OnlyBorrowedPoolAddressesLeakOut()
    {
        await using var lab = await StartMeshAsync("leak");

        // node-a holds 10.65.2.7 outside its own block; a workload route in its own block and a non-pool route must stay local.
        await lab.Run("node-a", "ip", "route", "add", "blackhole", "10.65.2.7/32", "proto", "static");
        await lab.Run("node-a", "ip", "route", "add", "blackhole", "10.65.0.9/32", "proto", "static");
        await lab.Run("node-a", "ip", "route", "add", "blackhole", "198.51.100.0/24", "proto", "static");

        await lab.WaitForRouteAsync("node-b", "10.65.2.7 via 192.0.2.1");
        var routes = await lab.RoutesAsync("node-b");
        Assert.DoesNotContain(routes, r => r.StartsWith("10.65.0.9", StringComparison.Ordinal));
        Assert.DoesNotContain(routes, r => r.StartsWith("198.51.100.0", StringComparison.Ordinal));
        // node-c owns 10.65.2.0/26; the more specific /32 from node-a is still installed over its blackhole.
        await lab.WaitForRouteAsync("node-c", "10.65.2.7 via 192.0.2.1");
    }

    [Fact]
    public async Task NodeStatus_Mesh_AllEstablishedInTable()
    {
        await using var lab = await StartMeshAsync("status");

        var status = await lab.StatusAsync("node-a");
        var table = BgpStatusTableRenderer.Render(status);

        Assert.Equal(["192.0.2.2", "192.0.2.3"], status.Select(s => s.PeerAddress!.ToString()).Order(StringComparer.Ordinal));
        Assert.All(status, s => Assert.Equal(BgpPeerType.NodeToNodeMesh, s.Type));
        Assert.All(status, s => Assert.True(s.IsEstablished));
        var lines = table.Split('\n');
        Assert.Equal("| PEER ADDRESS | PEER TYPE         | STATE | SINCE               | INFO        |", lines[2]);
        Assert.Matches(@"^\| 192\.0\.2\.2    \| node-to-node mesh \| up    \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \| Established \|$", lines[4]);
        Assert.Equal(8, lines.Length); // title, header, 2 rows, 3 rules, final empty string: no diagnosis lines
    }

    [Fact]
    public async Task Stop_OneHost_PeersWithdrawItsRoutesAndRestartRestoresThem()
    {
        await using var lab = await StartMeshAsync("restart");
        await lab.WaitForRouteAsync("node-b", "10.65.0.0/26 via 192.0.2.1");

        await lab.Bird("node-a").StopAsync();
        await lab.WaitForRouteAsync("node-b", "10.65.0.0/26", present: false);

        Assert.True(await lab.Bird("node-a").EnsureRunningAsync());
        await lab.WaitForRouteAsync("node-b", "10.65.0.0/26 via 192.0.2.1");
    }

    [Fact]
    public async Task Watch_BirdKilled_RestartedAndSessionsBack()
    {
        await using var lab = await StartMeshAsync("watch");
        var bird = lab.Bird("node-b");
        using var stop = new CancellationTokenSource();
        var watch = bird.WatchAsync(TimeSpan.FromMilliseconds(200), stop.Token);
        var before = bird.RunningPid()!.Value;

        await lab.Run("node-b", "kill", "-9", before.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await BgpNamespaceLab.WaitUntilStaticAsync("a new BIRD on node-b", () => Task.FromResult(bird.RunningPid() is { } pid && pid != before));
        await lab.WaitForEstablishedAsync("node-b", 2);
        await stop.CancelAsync();
        await watch;
    }

    [Fact]
    public async Task Apply_BadConfig_RunningBirdKeepsOldConfigAndReportsError()
    {
        await using var lab = await StartMeshAsync("bad");
        var bird = lab.Bird("node-a");
        var good = File.ReadAllText(bird.Instance.ConfigPath);

        var result = await bird.ApplyAsync(good + "\nprotocol bgp Broken { neighbor 192.0.2.9 as 64512; rr client; local as 65000; }\n");

        Assert.Equal(BirdApplyOutcome.Rejected, result.Outcome);
        Assert.Contains("RR client", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(good, File.ReadAllText(bird.Instance.ConfigPath));
        await lab.WaitForEstablishedAsync("node-a", 2);
        Assert.Equal(BirdApplyOutcome.Unchanged, (await bird.ApplyAsync(good)).Outcome);
    }
}
