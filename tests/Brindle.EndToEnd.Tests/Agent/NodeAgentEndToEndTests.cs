using System.Net;
using System.Net.Sockets;
using Brindle.Api;
using Brindle.Bgp.Ports;
using Brindle.Datastore.Resources;
using Brindle.Datastore.Sqlite;
using Brindle.Lab.TestBed;
using Brindle.Platform;
using Brindle.Testing;

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

    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: default}
        ---
        apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata: {name: pool1}
        spec: {cidr: 10.65.0.0/16, blockSize: 26, natOutgoing: false}
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
        using var dir = new TempDirectory("brindle-agent-e2e");
        var db = dir.Combine("brindle.db");
        var agents = new Dictionary<string, AgentProcess>();
        await using var bed = await NamespaceTestBed.CreateAsync("btagent");
        try
        {
            var fabric = await bed.CreateNodeAsync("fab");
            await bed.RunAsync(fabric.Namespace, default, "link", "add", "br0", "type", "bridge");
            await bed.RunAsync(fabric.Namespace, default, "addr", "add", "10.99.0.1/24", "dev", "br0");
            await bed.RunAsync(fabric.Namespace, default, "link", "set", "br0", "up");
            var nodes = new List<TestNode>();
            for (var k = 1; k <= 3; k++)
            {
                var node = await bed.CreateNodeAsync($"n{k}");
                await bed.RunAsync(node.Namespace, default, "link", "add", "uplink0", "type", "veth", "peer", "name", $"down{k}", "netns", fabric.Namespace);
                await bed.RunAsync(node.Namespace, default, "addr", "add", $"10.99.0.1{k}/24", "dev", "uplink0");
                await bed.RunAsync(node.Namespace, default, "link", "set", "uplink0", "up");
                await bed.RunAsync(fabric.Namespace, default, "link", "set", $"down{k}", "master", "br0", "up");
                await bed.RunAsync(node.Namespace, default, "route", "replace", "default", "via", "10.99.0.1", "dev", "uplink0");
                nodes.Add(node);
            }

            await using (var kv = SqliteKeyValueStore.Open(db))
            {
                var read = ResourceCodec.Read(Manifests, "test");
                Assert.True(read.Succeeded, string.Join("; ", read.Errors));
                var applied = await new ResourceStore(kv).ApplyAllAsync(read.Documents);
                Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
            }

            for (var k = 1; k <= 3; k++) agents[$"n{k}"] = StartAgent(nodes[k - 1], db, dir, k);

            var web = await AddWorkloadAsync(bed, db, nodes[0], "n1", "web", "cali1web", "10.65.0.1", "web");
            var local = await AddWorkloadAsync(bed, db, nodes[0], "n1", "client1", "cali1cli", "10.65.0.2", "client");
            var remote = await AddWorkloadAsync(bed, db, nodes[1], "n2", "client2", "cali2cli", "10.65.1.1", "client");
            var other = await AddWorkloadAsync(bed, db, nodes[1], "n2", "other2", "cali2oth", "10.65.1.2", "other");
            var third = await AddWorkloadAsync(bed, db, nodes[2], "n3", "client3", "cali3cli", "10.65.2.1", "client");
            bed.Listen(web, ProtocolType.Tcp, Port);
            var webIp = IPAddress.Parse("10.65.0.1");

            // Same host and across hosts: allowed for clients (once routes have arrived over BGP), denied for others.
            Assert.True(await EventuallyAsync(() => Probe.TcpAsync(local, webIp, Port)), "same-host client -> web should be allowed\n" + Logs(agents));
            Assert.True(await EventuallyAsync(() => Probe.TcpAsync(remote, webIp, Port)), "n2 client -> n1 web should be allowed\n" + Logs(agents));
            Assert.True(await EventuallyAsync(() => Probe.TcpAsync(third, webIp, Port)), "n3 client -> n1 web should be allowed\n" + Logs(agents));
            Assert.True(await Probe.PingAsync(other, IPAddress.Parse("10.65.2.1")), "n2 other -> n3 client ping (no policy, profile allows) should pass");
            Assert.False(await Probe.TcpAsync(other, webIp, Port), "n2 other -> n1 web must be denied by the policy");

            // BGP: every session Established, as node status shows it.
            Assert.True(await EventuallyAsync(async () =>
            {
                var (code, output) = await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", dir.Combine("n1"));
                return code == 0 && output.Split("Established").Length - 1 == 2 && output.Contains("in sync", StringComparison.Ordinal);
            }), "node status should show two Established mesh sessions\n" + (await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", dir.Combine("n1"))).Output);

            // Drift: a workload route deleted by hand comes back at the next periodic resync (10 s).
            (await bed.ExecAsync(nodes[0], "ip", "route", "del", "10.65.0.1/32")).EnsureSuccess(CommandSpec.Of("ip", "route", "del", "10.65.0.1/32"));
            Assert.False(await Probe.TcpAsync(local, webIp, Port), "without its route the web workload is unreachable");
            Assert.True(await EventuallyAsync(() => Probe.TcpAsync(local, webIp, Port)), "the agent's resync should restore the deleted route\n" + Logs(agents));

            // Crash the agent on n1 (SIGKILL): BIRD, table and routes stay; established and new flows keep working.
            using var flow = await Probe.ConnectAsync(remote, webIp, Port);
            Assert.NotNull(flow);
            Assert.True(await Probe.EchoAsync(flow!));
            await agents["n1"].CrashAsync();
            Assert.True(await Probe.EchoAsync(flow!), "established flow should survive an agent crash");
            Assert.True(await Probe.TcpAsync(local, webIp, Port));
            Assert.False(await Probe.TcpAsync(other, webIp, Port), "policy still enforced while the agent is down");
            agents["n1"] = StartAgent(nodes[0], db, dir, 1);
            Assert.True(await EventuallyAsync(async () =>
            {
                var (code, output) = await AgentProcess.RunCliAsync(null, db, "node", "status", "--name", "n1", "--state-dir", dir.Combine("n1"), "-o", "json");
                return code == 0 && output.Contains("\"state\": \"in-sync\"", StringComparison.Ordinal) || output.Contains("\"state\":\"in-sync\"", StringComparison.Ordinal);
            }), "restarted agent should get in sync\n" + Logs(agents));
            Assert.True(await Probe.EchoAsync(flow!), "established flow should survive the agent's restart");
            Assert.True(await Probe.TcpAsync(remote, webIp, Port));
            Assert.False(await Probe.TcpAsync(other, webIp, Port));

            // Clean stop (SIGTERM): BIRD stopped by PID, nftables table left in place, exit code 0.
            var birdPid = int.Parse(await File.ReadAllTextAsync(dir.Combine("n1", "bird.pid")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(await agents["n1"].StopAsync(TimeSpan.FromSeconds(10)), "agent should stop on SIGTERM");
            Assert.False(LinuxProcessSignaller.Instance.IsAlive(birdPid, "bird"), "BIRD should be stopped with the agent");
            var tables = await bed.ExecAsync(nodes[0], "nft", "list", "tables");
            Assert.Contains("inet brindle", tables.StandardOutput, StringComparison.Ordinal);
            Assert.True(await Probe.TcpAsync(local, webIp, Port), "same-host traffic keeps flowing with the agent stopped");
        }
        finally
        {
            foreach (var agent in agents.Values) await agent.DisposeAsync();
            foreach (var k in new[] { "n1", "n2", "n3" })
            {
                var pidFile = dir.Combine(k, "bird.pid");
                if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && LinuxProcessSignaller.Instance.IsAlive(pid, "bird"))
                {
                    LinuxProcessSignaller.Instance.Terminate(pid);
                }
            }
        }
    }

    private static AgentProcess StartAgent(TestNode node, string db, TempDirectory dir, int k) =>
        AgentProcess.Start(node.Namespace, db, "node", "run", "--name", $"n{k}", "--ip", $"10.99.0.1{k}/24", "--state-dir", dir.Combine($"n{k}"), "--log-level", "info");

    private static async Task<TestWorkload> AddWorkloadAsync(NamespaceTestBed bed, string db, TestNode node, string nodeName, string pod, string interfaceName, string ip, string app)
    {
        var workload = await bed.CreateWorkloadAsync(node, pod, interfaceName, IPAddress.Parse(ip));
        var yaml = $$"""
            apiVersion: projectcalico.org/v3
            kind: WorkloadEndpoint
            metadata:
              name: {{nodeName}}-k8s-{{pod}}-eth0
              namespace: default
              labels:
                app: {{app}}
            spec:
              orchestrator: k8s
              node: {{nodeName}}
              pod: {{pod}}
              endpoint: eth0
              interfaceName: {{interfaceName}}
              ipNetworks: [{{ip}}/32]
              profiles: [kns.default]
            """;
        await using var kv = SqliteKeyValueStore.Open(db);
        var read = ResourceCodec.Read(yaml, pod);
        Assert.True(read.Succeeded, string.Join("; ", read.Errors));
        var applied = await new ResourceStore(kv).ApplyAllAsync(read.Documents);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
        return workload;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Converge;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(250);
        }
        return false;
    }

    private static string Logs(Dictionary<string, AgentProcess> agents) =>
        string.Join("\n", agents.Select(a => $"--- {a.Key} ---\n{a.Value.Log}"));
}
