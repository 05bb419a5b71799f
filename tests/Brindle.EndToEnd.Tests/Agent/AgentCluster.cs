using System.Globalization;
using System.Net;
using System.Text.Json;
using Brindle.Api;
using Brindle.Bgp.Ports;
using Brindle.Datastore.Resources;
using Brindle.Datastore.Sqlite;
using Brindle.Lab.TestBed;
using Brindle.Testing;

namespace Brindle.EndToEnd.Tests.Agent;

/// <summary>
/// Hosts n1…nN (network namespaces with uplinks on a fabric bridge, 10.99.0.1k/24), one embedded SQLite datastore
/// and a real <c>brindle node run</c> process per host. Disposal stops the agents and any BIRD left running by PID,
/// then removes the namespaces and the temp directory.
/// </summary>
internal sealed class AgentCluster : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AgentStopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The manifests every agent test starts from: the default namespace and IPPool 10.65.0.0/16 (blocks of /26).</summary>
    public const string NamespaceAndPool = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: default}
        ---
        apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata: {name: pool1}
        spec: {cidr: 10.65.0.0/16, blockSize: 26, natOutgoing: false}

        """;

    private readonly TempDirectory _dir;
    private readonly List<TestNode> _nodes = [];
    private readonly Dictionary<int, AgentProcess> _agents = [];

    private AgentCluster(NamespaceTestBed bed, TempDirectory dir)
    {
        Bed = bed;
        _dir = dir;
    }

    public NamespaceTestBed Bed { get; }

    public string Datastore => _dir.Combine("brindle.db");

    public TestNode Node(int k) => _nodes[k - 1];

    public string StateDir(int k) => _dir.Combine($"n{k}");

    /// <summary>Creates the fabric and <paramref name="hosts"/> hosts and applies <paramref name="manifests"/>; agents are not started.</summary>
    public static async Task<AgentCluster> CreateAsync(string prefix, int hosts, string manifests)
    {
        var bed = await NamespaceTestBed.CreateAsync(prefix);
        var cluster = new AgentCluster(bed, new TempDirectory($"brindle-{prefix}"));
        try
        {
            var fabric = await bed.CreateNodeAsync("fab");
            await bed.RunAsync(fabric.Namespace, default, "link", "add", "br0", "type", "bridge");
            await bed.RunAsync(fabric.Namespace, default, "addr", "add", "10.99.0.1/24", "dev", "br0");
            await bed.RunAsync(fabric.Namespace, default, "link", "set", "br0", "up");
            for (var k = 1; k <= hosts; k++)
            {
                var node = await bed.CreateNodeAsync($"n{k}");
                await bed.RunAsync(node.Namespace, default, "link", "add", "uplink0", "type", "veth", "peer", "name", $"down{k}", "netns", fabric.Namespace);
                await bed.RunAsync(node.Namespace, default, "addr", "add", $"10.99.0.1{k}/24", "dev", "uplink0");
                await bed.RunAsync(node.Namespace, default, "link", "set", "uplink0", "up");
                await bed.RunAsync(fabric.Namespace, default, "link", "set", $"down{k}", "master", "br0", "up");
                await bed.RunAsync(node.Namespace, default, "route", "replace", "default", "via", "10.99.0.1", "dev", "uplink0");
                cluster._nodes.Add(node);
            }

            await cluster.ApplyAsync(manifests, "manifests");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts host <paramref name="k"/>'s agent exactly as the lab does.</summary>
    public void StartAgent(int k) =>
        _agents[k] = AgentProcess.Start(Node(k).Namespace, Datastore, "node", "run", "--name", $"n{k}", "--ip", $"10.99.0.1{k}/24",
            "--state-dir", StateDir(k), "--log-level", "info");

    /// <summary>SIGKILL to host <paramref name="k"/>'s agent (a crash: its BIRD, table and routes stay).</summary>
    public Task CrashAgentAsync(int k) => _agents[k].CrashAsync();

    /// <summary>SIGTERM to host <paramref name="k"/>'s agent; true when it exited in time.</summary>
    public Task<bool> StopAgentAsync(int k) => _agents[k].StopAsync(AgentStopTimeout);

    /// <summary>The PID in host <paramref name="k"/>'s bird.pid, or null when there is none.</summary>
    public int? BirdPid(int k)
    {
        var file = Path.Combine(StateDir(k), "bird.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>A workload veth on host <paramref name="k"/> and its WorkloadEndpoint (named n<c>k</c>-k8s-<c>pod</c>-eth0).</summary>
    public async Task<TestWorkload> AddWorkloadAsync(int k, string pod, string interfaceName, string ip, string app)
    {
        var workload = await Bed.CreateWorkloadAsync(Node(k), pod, interfaceName, IPAddress.Parse(ip));
        await ApplyAsync($$"""
            apiVersion: projectcalico.org/v3
            kind: WorkloadEndpoint
            metadata:
              name: {{EndpointName(k, pod)}}
              namespace: default
              labels:
                app: {{app}}
            spec:
              orchestrator: k8s
              node: n{{k}}
              pod: {{pod}}
              endpoint: eth0
              interfaceName: {{interfaceName}}
              ipNetworks: [{{ip}}/32]
              profiles: [kns.default]
            """, pod);
        return workload;
    }

    /// <summary>Deletes the WorkloadEndpoint of <paramref name="pod"/> on host <paramref name="k"/> from the store (the veth stays).</summary>
    public async Task DeleteWorkloadEndpointAsync(int k, string pod)
    {
        await using var kv = SqliteKeyValueStore.Open(Datastore);
        await new ResourceStore(kv).DeleteAsync(ResourceKinds.WorkloadEndpoint, "default", EndpointName(k, pod));
    }

    /// <summary>The destinations of the main routing table in host <paramref name="k"/>'s namespace (<c>ip -j route show</c>).</summary>
    public async Task<IReadOnlySet<string>> RouteDestinationsAsync(int k)
    {
        var result = await Bed.ExecAsync(Node(k), "ip", "-j", "route", "show");
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.EnumerateArray()
            .Select(r => r.TryGetProperty("dst", out var dst) ? dst.GetString() ?? "" : "")
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Polls until every host in <paramref name="hosts"/> has (or lacks) a route to <paramref name="address"/>/32.</summary>
    public Task<bool> RouteEventuallyAsync(IEnumerable<int> hosts, string address, bool present, TimeSpan timeout) =>
        EventuallyAsync(async () =>
        {
            foreach (var k in hosts)
            {
                // ip prints a host route's dst without the /32.
                if ((await RouteDestinationsAsync(k)).Contains(address) != present) return false;
            }

            return true;
        }, timeout);

    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Every agent's captured output, for assertion messages.</summary>
    public string Logs() => string.Join("\n", _agents.OrderBy(a => a.Key).Select(a => $"--- n{a.Key} ---\n{a.Value.Log}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values) await agent.DisposeAsync();
        for (var k = 1; k <= _nodes.Count; k++)
        {
            if (BirdPid(k) is { } pid && LinuxProcessSignaller.Instance.IsAlive(pid, "bird")) LinuxProcessSignaller.Instance.Terminate(pid);
        }

        await Bed.DisposeAsync();
        _dir.Dispose();
    }

    private static string EndpointName(int k, string pod) => $"n{k}-k8s-{pod}-eth0";

    private async Task ApplyAsync(string yaml, string source)
    {
        await using var kv = SqliteKeyValueStore.Open(Datastore);
        var read = ResourceCodec.Read(yaml, source);
        Assert.True(read.Succeeded, string.Join("; ", read.Errors));
        var applied = await new ResourceStore(kv).ApplyAllAsync(read.Documents);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
    }
}
