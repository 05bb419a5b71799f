using System.Net;
using System.Net.Sockets;
using Brindle.Bgp.Ports;
using Brindle.Lab.TestBed;
using Brindle.Platform;

namespace Brindle.EndToEnd.Tests.Agent;

/// <summary>
/// Three hosts (network namespaces on a fabric bridge), one embedded datastore file, a real <c>brindle node run</c>
/// process in each host: policy enforced with real packets on one host and across hosts, routes exchanged by the
/// agents' BIRDs, and an agent crash and restart that established traffic survives.
/// </summary>
public sealed class NodeAgentEndToEndTests
{
    private const int Port = 8080;
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(25);

    private const string Manifests = AgentCluster.NamespaceAndPool + """
        ---
        apiVersion: projectcalico.org/v3
        kind: FelixConfiguration
        metadata: {name: default}
        spec: {nftablesRefreshInterval: 5s, routeRefreshInterval: 5s}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: web-from-clients, namespace: default}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            source: {selector: app == 'client'}
            destination: {ports: [8080]}
        """;

    [Fact]
    public async Task NodeRun_ThreeHosts_PolicyRoutesBgpAndRestart()
    {
        await using var cluster = await AgentCluster.CreateAsync("btagent", 3, Manifests);
        var db = cluster.Datastore;
        for (var k = 1; k <= 3; k++) cluster.StartAgent(k);

        var web = await cluster.AddWorkloadAsync(1, "web", "cali1web", "10.65.0.1", "web");
        var local = await cluster.AddWorkloadAsync(1, "client1", "cali1cli", "10.65.0.2", "client");
        var remote = await cluster.AddWorkloadAsync(2, "client2", "cali2cli", "10.65.1.1", "client");
        var other = await cluster.AddWorkloadAsync(2, "other2", "cali2oth", "10.65.1.2", "other");
        var third = await cluster.AddWorkloadAsync(3, "client3", "cali3cli", "10.65.2.1", "client");
        cluster.Bed.Listen(web, ProtocolType.Tcp, Port);
        var webIp = IPAddress.Parse("10.65.0.1");

        // Same host and across hosts: allowed for clients (once routes have arrived over BGP), denied for others.
        Assert.True(await EventuallyAsync(() => Probe.TcpAsync(local, webIp, Port)), "same-host client -> web should be allowed\n" + cluster.Logs());
        Assert.True(await EventuallyAsync(() => Probe.TcpAsync(remote, webIp, Port)), "n2 client -> n1 web should be allowed\n" + cluster.Logs());
        Assert.True(await EventuallyAsync(() => Probe.TcpAsync(third, webIp, Port)), "n3 client -> n1 web should be allowed\n" + cluster.Logs());
        // n2 <-> n3 routes travel over BGP independently of the n1 checks above: wait for them too.
        Assert.True(await EventuallyAsync(() => Probe.PingAsync(other, IPAddress.Parse("10.65.2.1"))), "n2 other -> n3 client ping (no policy, profile allows) should pass\n" + cluster.Logs());
        Assert.False(await Probe.TcpAsync(other, webIp, Port), "n2 other -> n1 web must be denied by the policy");

        // BGP: every session Established, as node status shows it.
        Assert.True(await EventuallyAsync(async () =>
        {
            var (code, output) = await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", cluster.StateDir(1));
            return code == 0 && output.Split("Established").Length - 1 == 2 && output.Contains("in sync", StringComparison.Ordinal);
        }), "node status should show two Established mesh sessions\n" + (await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", cluster.StateDir(1))).Output);

        // Per-workload status in the datastore: both of n1's workloads are up (their chains and routes are in its kernel).
        Assert.True(await EventuallyAsync(async () =>
        {
            var (code, output) = await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", cluster.StateDir(1), "-o", "json");
            if (code != 0) return false;
            using var doc = System.Text.Json.JsonDocument.Parse(output);
            var workloads = doc.RootElement.GetProperty("workloads").EnumerateArray().ToList();
            return workloads.Count == 2 && workloads.All(w => w.GetProperty("status").GetString() == "up");
        }), "node status should list n1's two workloads as up\n" + (await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", cluster.StateDir(1), "-o", "json")).Output);
        Assert.Contains("Workloads: 2 up, 0 pending, 0 error", (await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", cluster.StateDir(1))).Output, StringComparison.Ordinal);

        // Drift: a workload route deleted by hand comes back at the next periodic resync (FelixConfiguration above: 5 s).
        (await cluster.Bed.ExecAsync(cluster.Node(1), "ip", "route", "del", "10.65.0.1/32")).EnsureSuccess(CommandSpec.Of("ip", "route", "del", "10.65.0.1/32"));
        Assert.False(await Probe.TcpAsync(local, webIp, Port), "without its route the web workload is unreachable");
        Assert.True(await EventuallyAsync(() => Probe.TcpAsync(local, webIp, Port)), "the agent's resync should restore the deleted route\n" + cluster.Logs());

        // Crash the agent on n1 (SIGKILL): BIRD, table and routes stay; established and new flows keep working.
        using var flow = await Probe.ConnectAsync(remote, webIp, Port);
        Assert.NotNull(flow);
        Assert.True(await Probe.EchoAsync(flow!));
        await cluster.CrashAgentAsync(1);
        Assert.True(await Probe.EchoAsync(flow!), "established flow should survive an agent crash");
        Assert.True(await Probe.TcpAsync(local, webIp, Port));
        Assert.False(await Probe.TcpAsync(other, webIp, Port), "policy still enforced while the agent is down");
        cluster.StartAgent(1);
        Assert.True(await EventuallyAsync(async () =>
        {
            var (code, output) = await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", cluster.StateDir(1), "-o", "json");
            return code == 0 && output.Contains("\"state\": \"in-sync\"", StringComparison.Ordinal) || output.Contains("\"state\":\"in-sync\"", StringComparison.Ordinal);
        }), "restarted agent should get in sync\n" + cluster.Logs());
        Assert.True(await Probe.EchoAsync(flow!), "established flow should survive the agent's restart");
        Assert.True(await Probe.TcpAsync(remote, webIp, Port));
        Assert.False(await Probe.TcpAsync(other, webIp, Port));

        // Clean stop (SIGTERM): BIRD stopped by PID, nftables table left in place, exit code 0.
        var birdPid = cluster.BirdPid(1);
        Assert.NotNull(birdPid);
        Assert.True(await cluster.StopAgentAsync(1), "agent should stop on SIGTERM");
        Assert.False(LinuxProcessSignaller.Instance.IsAlive(birdPid!.Value, "bird"), "BIRD should be stopped with the agent");
        var tables = await cluster.Bed.ExecAsync(cluster.Node(1), "nft", "list", "tables");
        Assert.Contains("inet brindle", tables.StandardOutput, StringComparison.Ordinal);
        Assert.True(await Probe.TcpAsync(local, webIp, Port), "same-host traffic keeps flowing with the agent stopped");
    }

    private static Task<bool> EventuallyAsync(Func<Task<bool>> condition) => AgentCluster.EventuallyAsync(condition, Converge);
}
