using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Brindle.Api;
using Brindle.Bgp.Tor;
using Brindle.Platform;

namespace Brindle.Lab;

/// <summary>
/// Brings a lab up and down. Up, in order: fabric and nodes; the datastore (file, or etcd members in the fabric);
/// then <see cref="ProvisionAsync"/> (cluster resources, the ToR, agents, the demo). The state file is rewritten
/// after every step, so <see cref="DownAsync"/> can remove a half-built lab. Down never trusts the state alone: it
/// also kills every process living in a namespace of the lab's naming scheme and deletes those namespaces.
/// </summary>
public sealed class LabCluster(ICommandRunner runner, TextWriter progress)
{
    /// <summary>How long to wait for an etcd member to accept connections.</summary>
    public static readonly TimeSpan EtcdStartTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long <c>up</c> waits for BGP sessions to be Established before reporting what it has.</summary>
    public static readonly TimeSpan BgpTimeout = TimeSpan.FromSeconds(30);

    private readonly LabNetwork _network = new(runner);
    private readonly LabProcesses _processes = new(runner);

    public static async Task<LabState?> LoadStateAsync(string name, CancellationToken ct)
    {
        var path = new LabLayout(new LabOptions { Name = name }).StatePath;
        return File.Exists(path) ? LabState.Deserialize(await File.ReadAllTextAsync(path, ct)) : null;
    }

    public static async Task SaveStateAsync(LabLayout layout, LabState state, CancellationToken ct)
    {
        Directory.CreateDirectory(layout.RunDirectory);
        var temp = layout.StatePath + ".tmp";
        await File.WriteAllTextAsync(temp, LabState.Serialize(state), ct);
        File.Move(temp, layout.StatePath, overwrite: true);
    }

    /// <summary>Builds the network and starts the datastore; returns the state to provision.</summary>
    public async Task<LabState> BuildAsync(LabOptions options, CancellationToken ct)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new LabException(string.Join("; ", errors));
        var layout = new LabLayout(options);
        var existing = (await _network.ListNamespacesAsync(ct)).Where(ns => LabLayout.BelongsTo(options.Name, ns)).ToList();
        if (File.Exists(layout.StatePath) || existing.Count > 0)
        {
            throw new LabException($"lab '{options.Name}' is already running (state {layout.StatePath}, namespaces: {string.Join(", ", existing.DefaultIfEmpty("none"))}); " +
                $"remove it first with: brindle lab down{(options.Name == LabOptions.DefaultName ? "" : $" --name {options.Name}")}");
        }
        if (Directory.Exists(layout.DataDirectory)) Directory.Delete(layout.DataDirectory, recursive: true);
        Directory.CreateDirectory(layout.DataDirectory);
        var state = new LabState { Options = LabOptionsRecord.From(options), Files = [layout.DataDirectory, layout.RunDirectory] };
        await SaveStateAsync(layout, state, ct);

        var clock = Stopwatch.StartNew();
        var prefix = options.Underlay.PrefixLength;
        var etcdAddresses = options.Datastore == LabDatastore.Etcd ? Enumerable.Range(1, options.EtcdMembers).Select(layout.EtcdAddress).ToList() : [];
        state = state.WithNamespace(layout.FabricNamespace);
        await SaveStateAsync(layout, state, ct);
        await _network.CreateFabricAsync(layout.FabricNamespace, layout.Gateway, prefix, etcdAddresses, ct);
        for (var k = 1; k <= options.Nodes; k++)
        {
            state = state.WithNamespace(layout.NodeName(k));
            await SaveStateAsync(layout, state, ct);
            await _network.CreateNodeAsync(layout.NodeName(k), layout.FabricNamespace, LabLayout.FabricPort(k), layout.NodeAddress(k), prefix, layout.Gateway, ct);
        }
        await Done($"fabric {options.Underlay} and {options.Nodes} node{(options.Nodes == 1 ? "" : "s")}", clock);

        clock.Restart();
        if (options.Datastore == LabDatastore.Etcd)
        {
            state = await StartEtcdAsync(layout, state, ct);
            await Done($"etcd: {options.EtcdMembers} member{(options.EtcdMembers == 1 ? "" : "s")} at {layout.EtcdEndpoints} (in {layout.FabricNamespace})", clock);
        }
        else
        {
            await Done($"datastore: embedded ({layout.DatabasePath})", clock);
        }
        return state;
    }

    private async Task<LabState> StartEtcdAsync(LabLayout layout, LabState state, CancellationToken ct)
    {
        var members = layout.Options.EtcdMembers;
        var cluster = string.Join(',', Enumerable.Range(1, members).Select(m => $"{layout.Name}-etcd{m}=http://{layout.EtcdAddress(m)}:{LabLayout.EtcdPeerPort}"));
        for (var m = 1; m <= members; m++)
        {
            var name = $"{layout.Name}-etcd{m}";
            var address = layout.EtcdAddress(m);
            string[] arguments = [
                "--name", name, "--data-dir", Path.Combine(layout.DataDirectory, name),
                "--listen-client-urls", $"http://{address}:{LabLayout.EtcdClientPort}", "--advertise-client-urls", $"http://{address}:{LabLayout.EtcdClientPort}",
                "--listen-peer-urls", $"http://{address}:{LabLayout.EtcdPeerPort}", "--initial-advertise-peer-urls", $"http://{address}:{LabLayout.EtcdPeerPort}",
                "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", $"brindle-lab-{layout.Name}",
                "--max-txn-ops", "10000", "--max-request-bytes", "33554432", "--log-level", "warn"];
            var process = await _processes.StartAsync($"etcd member {m}", layout.FabricNamespace, "etcd", arguments, null,
                Path.Combine(layout.DataDirectory, $"{name}.log"), $"--name {name}", ct);
            state = state.WithProcess(process);
            await SaveStateAsync(layout, state, ct);
        }
        for (var m = 1; m <= members; m++) await WaitForTcpAsync(layout.FabricNamespace, layout.EtcdAddress(m), LabLayout.EtcdClientPort, ct);
        return state;
    }

    private static async Task WaitForTcpAsync(string ns, IPAddress address, int port, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < EtcdStartTimeout)
        {
            if (await TestBed.Probe.TcpAsync(new TestBed.TestNode(ns, ns), address, port, TimeSpan.FromMilliseconds(300))) return;
            await Task.Delay(100, ct);
        }
        throw new LabException($"etcd at {address}:{port} in namespace {ns} did not start within {EtcdStartTimeout.TotalSeconds:0} s (see its log under {LabLayout.DataRoot})");
    }

    /// <summary>
    /// Cluster resources, the ToR (as-per-rack), the agents and the demo. Runs where the datastore is reachable (for
    /// etcd: inside the fabric namespace). <paramref name="write"/> is the all-or-nothing resource writer of
    /// <c>brindle apply</c>; <paramref name="startAgents"/> is false when this build has no node agent.
    /// </summary>
    public async Task<LabState> ProvisionAsync(LabState state, LabWriter write, bool startAgents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(write);
        var layout = new LabLayout(state.ToOptions());
        var options = layout.Options;
        var clock = Stopwatch.StartNew();
        var manifest = ResourceCodec.Read(LabManifest.Render(layout), "lab resources");
        if (manifest.Errors.Count > 0) throw new InvalidOperationException(string.Join("; ", manifest.Errors));
        var errors = await write(manifest.Documents, ct);
        if (errors.Count > 0) throw new LabException("writing the lab's cluster resources failed: " + string.Join("; ", errors));
        var mode = options.Bgp switch
        {
            LabBgpMode.RouteReflector => $"route reflector {layout.NodeName(1)} (AS {LabLayout.ClusterAs})",
            LabBgpMode.AsPerRack => $"AS per rack (ToR AS {LabLayout.TorAs} at {layout.Gateway}, nodes AS {LabLayout.FirstNodeAs}-{layout.NodeAs(options.Nodes)})",
            _ => $"full mesh (AS {LabLayout.ClusterAs})",
        };
        await Done($"IPPool {options.Pool}, BGP {mode}", clock);

        if (options.Bgp == LabBgpMode.AsPerRack)
        {
            clock.Restart();
            state = await StartTorAsync(layout, state, ct);
            await Done($"ToR BIRD in {layout.FabricNamespace}", clock);
        }

        clock.Restart();
        if (startAgents)
        {
            for (var k = 1; k <= options.Nodes; k++)
            {
                var node = layout.NodeName(k);
                var (program, arguments) = LabSelf.Command("node", "run", "--name", node, "--ip", $"{layout.NodeAddress(k)}/{options.Underlay.PrefixLength}",
                    "--as", layout.NodeAs(k).ToString(CultureInfo.InvariantCulture), "--state-dir", layout.AgentStateDirectory(node));
                var process = await _processes.StartAsync($"agent {node}", node, program, arguments, LabStore.Environment(layout),
                    Path.Combine(layout.DataDirectory, $"{node}-agent.log"), $"node run --name {node} ", ct);
                state = state.WithProcess(process) with { AgentsStarted = true };
                await SaveStateAsync(layout, state, ct);
            }
            await Done($"{options.Nodes} agent{(options.Nodes == 1 ? "" : "s")} started (brindle node run; each starts its BIRD)", clock);
        }
        else
        {
            await progress.WriteLineAsync("! this build has no node agent ('brindle node run'): nodes have no routes or policy yet");
        }

        if (startAgents)
        {
            clock.Restart();
            var (established, total) = await WaitForBgpAsync(state, ct);
            await Done($"BGP: {established}/{total} sessions Established", clock);
        }

        if (options.Demo)
        {
            clock.Restart();
            var demo = ResourceCodec.Read(LabDemo.Manifest(), "demo.yaml");
            var workloads = new LabWorkloads(runner, layout);
            var (applied, newState) = await workloads.ApplyAsync(state, demo.Documents, write, ct);
            state = newState;
            await Done($"demo: {applied.Workloads} workloads ({string.Join(", ", state.Workloads.Select(w => $"{w.Namespace}/{w.Name} {w.Address} on {w.Node}"))}), " +
                $"{applied.Others} policies/profiles", clock);
        }
        return state;
    }

    /// <summary>Waits (at most <see cref="BgpTimeout"/>) until every node has its BGP sessions and all are Established.</summary>
    public async Task<(int Established, int Total)> WaitForBgpAsync(LabState state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        var options = state.ToOptions();
        var expected = options.Bgp switch
        {
            LabBgpMode.Mesh => options.Nodes * (options.Nodes - 1),
            LabBgpMode.RouteReflector => 2 * (options.Nodes - 1),
            _ => options.Nodes,
        };
        var status = new LabStatus(runner);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var sessions = (await status.NodesAsync(state, ct)).SelectMany(n => n.Sessions).ToList();
            var established = sessions.Count(s => s.IsEstablished);
            if (established >= expected || clock.Elapsed > BgpTimeout) return (established, Math.Max(expected, sessions.Count));
            await Task.Delay(200, ct);
        }
    }

    private async Task<LabState> StartTorAsync(LabLayout layout, LabState state, CancellationToken ct)
    {
        var options = layout.Options;
        var neighbors = Enumerable.Range(1, options.Nodes)
            .Select(k => new TorNeighbor(layout.NodeName(k), layout.NodeAddress(k), layout.NodeAs(k), TorNeighborRole.Host)).ToList();
        var config = TorConfigRenderer.Render(new TorRouter("tor", layout.Gateway, LabLayout.TorAs, neighbors));
        var configPath = Path.Combine(layout.DataDirectory, "tor-bird.conf");
        var socket = Path.Combine(layout.RunDirectory, "tor-bird.ctl");
        await File.WriteAllTextAsync(configPath, config, ct);
        var process = await _processes.StartAsync("ToR BIRD", layout.FabricNamespace, "bird", ["-f", "-c", configPath, "-s", socket], null,
            Path.Combine(layout.DataDirectory, "tor-bird.log"), configPath, ct);
        state = state.WithProcess(process);
        await SaveStateAsync(layout, state, ct);
        return state;
    }

    /// <summary>
    /// Removes lab <paramref name="name"/>: processes from the state (verified by cmdline), then every process in a
    /// namespace of the lab's naming scheme, then those namespaces, then its files. Idempotent; returns what it removed.
    /// </summary>
    public async Task<(int Processes, int Namespaces)> DownAsync(string name, CancellationToken ct)
    {
        if (!LabLayout.IsValidName(name)) throw new LabException($"--name '{name}' is not a lab name");
        var state = await LoadStateAsync(name, ct);
        var layout = new LabLayout(state?.ToOptions() ?? new LabOptions { Name = name });
        var killed = 0;
        // Agents first (they stop their BIRDs), then responders and the ToR, etcd last (agents write to it while stopping).
        foreach (var process in (state?.Processes ?? []).OrderBy(p => p.Role.StartsWith("agent", StringComparison.Ordinal) ? 0 : p.Role.StartsWith("etcd", StringComparison.Ordinal) ? 2 : 1))
        {
            if (await _processes.StopAsync(process, ct)) killed++;
        }
        var namespaces = (await _network.ListNamespacesAsync(ct)).Where(ns => LabLayout.BelongsTo(name, ns)).Union(state?.Namespaces ?? []).ToList();
        foreach (var ns in namespaces)
        {
            foreach (var pid in await _network.PidsAsync(ns, ct))
            {
                await runner.RunAsync(CommandSpec.Of("kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture)), ct);
                killed++;
            }
        }
        var deleted = 0;
        // Workloads before nodes (their veths live in nodes), the fabric last.
        foreach (var ns in namespaces.OrderBy(n => n.Contains("-w-", StringComparison.Ordinal) ? 0 : n == layout.FabricNamespace ? 2 : 1))
        {
            if (await _network.DeleteNamespaceAsync(ns, ct)) deleted++;
        }
        foreach (var directory in new[] { layout.DataDirectory, layout.RunDirectory })
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        return (killed, deleted);
    }

    private Task Done(string what, Stopwatch clock) =>
        progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"✓ {what} ({clock.Elapsed.TotalSeconds:0.0} s)"));
}

/// <summary>Writes documents all or nothing (the checks and transaction of <c>brindle apply</c>); returns every problem, empty on success.</summary>
public delegate Task<IReadOnlyList<string>> LabWriter(IReadOnlyList<Document> documents, CancellationToken cancellationToken);
