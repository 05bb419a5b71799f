using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Brindle.Bgp.Ports;
using Brindle.Lab.TestBed;
using Xunit.Abstractions;

namespace Brindle.EndToEnd.Tests.Agent;

/// <summary>
/// Issue 6's withdrawal bullets with the real agent: three hosts in the default full mesh (one embedded datastore,
/// one <c>brindle node run</c> per host, BIRD started by each agent), a workload on each. Cross-host TCP and ICMP
/// work; deleting a WorkloadEndpoint withdraws its /32 from the other hosts' kernels and removes the local route;
/// stopping a host's agent (which stops its BIRD) withdraws that host's routes from the others, and starting it again
/// restores them and the traffic.
/// </summary>
public sealed class BgpWithdrawalTests(ITestOutputHelper output)
{
    private const int Port = 8080;

    /// <summary>First convergence includes three agent start-ups and BGP session establishment.</summary>
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(25);

    /// <summary>A withdrawal must reach the other kernels within a few seconds.</summary>
    private static readonly TimeSpan Withdraw = TimeSpan.FromSeconds(5);

    private static readonly string[] Ips = ["10.65.0.1", "10.65.1.1", "10.65.2.1"];

    [Fact]
    public async Task FullMesh_WorkloadDeletionAndHostStop_WithdrawRoutes_RestartRestores()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await AgentCluster.CreateAsync("btbgpw", 3, AgentCluster.NamespaceAndPool);
        for (var k = 1; k <= 3; k++) cluster.StartAgent(k);
        var workloads = new TestWorkload[3];
        for (var k = 1; k <= 3; k++)
        {
            workloads[k - 1] = await cluster.AddWorkloadAsync(k, $"w{k}", $"caliw{k}", Ips[k - 1], "web");
            cluster.Bed.Listen(workloads[k - 1], ProtocolType.Tcp, Port);
        }

        // 1. Every workload reaches every other host's workload over TCP and ICMP (routes learned over BGP).
        for (var from = 1; from <= 3; from++)
        {
            foreach (var to in Others(from))
            {
                var target = IPAddress.Parse(Ips[to - 1]);
                Assert.True(await AgentCluster.EventuallyAsync(() => Probe.TcpAsync(workloads[from - 1], target, Port), Converge),
                    $"TCP w{from} -> w{to} should work\n{cluster.Logs()}");
                Assert.True(await Probe.PingAsync(workloads[from - 1], target), $"ping w{from} -> w{to} should work");
            }
        }

        var converged = clock.Elapsed;

        // 2. Deleting w3's WorkloadEndpoint withdraws 10.65.2.1 from n1's and n2's kernels and removes n3's local route.
        Assert.True((await cluster.RouteDestinationsAsync(3)).Contains(Ips[2]), "n3 should have w3's local route before the deletion");
        var mark = clock.Elapsed;
        await cluster.DeleteWorkloadEndpointAsync(3, "w3");
        Assert.True(await cluster.RouteEventuallyAsync([1, 2], Ips[2], present: false, Withdraw),
            $"w3's route should be withdrawn from n1 and n2\n{cluster.Logs()}");
        var endpointWithdrawn = clock.Elapsed - mark;
        Assert.True(await cluster.RouteEventuallyAsync([3], Ips[2], present: false, Withdraw), "n3's local route to w3 should be removed");
        Assert.False(await Probe.TcpAsync(workloads[0], IPAddress.Parse(Ips[2]), Port), "w1 -> w3 must fail once w3's endpoint is gone");
        Assert.True(await cluster.RouteEventuallyAsync([1, 3], Ips[1], present: true, TimeSpan.Zero), "w2's route is unaffected");

        // 3. Stopping n1's agent (SIGTERM, which stops its BIRD) withdraws w1's route from n2 and n3.
        var birdPid = cluster.BirdPid(1);
        Assert.NotNull(birdPid);
        mark = clock.Elapsed;
        Assert.True(await cluster.StopAgentAsync(1), "n1's agent should stop on SIGTERM");
        Assert.False(LinuxProcessSignaller.Instance.IsAlive(birdPid.Value, "bird"), "n1's BIRD should stop with its agent");
        Assert.True(await cluster.RouteEventuallyAsync([2, 3], Ips[0], present: false, Withdraw),
            $"w1's route should be withdrawn from n2 and n3 once n1's BIRD is down\n{cluster.Logs()}");
        var hostWithdrawn = clock.Elapsed - mark;
        Assert.False(await Probe.PingAsync(workloads[1], IPAddress.Parse(Ips[0])), "w2 -> w1 must fail without the route");

        // Starting n1's agent again restores the route on n2 and n3 and the traffic.
        mark = clock.Elapsed;
        cluster.StartAgent(1);
        Assert.True(await cluster.RouteEventuallyAsync([2, 3], Ips[0], present: true, Converge),
            $"w1's route should come back on n2 and n3 after n1's agent restarts\n{cluster.Logs()}");
        var restored = clock.Elapsed - mark;
        Assert.True(await AgentCluster.EventuallyAsync(() => Probe.TcpAsync(workloads[1], IPAddress.Parse(Ips[0]), Port), Withdraw),
            $"TCP w2 -> w1 should work again\n{cluster.Logs()}");
        Assert.True(await Probe.PingAsync(workloads[0], IPAddress.Parse(Ips[1])), "ping w1 -> w2 should work again");

        output.WriteLine($"converged {converged.TotalSeconds:F1} s; endpoint withdrawn {endpointWithdrawn.TotalSeconds:F2} s; " +
            $"host withdrawn {hostWithdrawn.TotalSeconds:F2} s; restored {restored.TotalSeconds:F1} s; total {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static IEnumerable<int> Others(int k) => Enumerable.Range(1, 3).Where(i => i != k);
}
