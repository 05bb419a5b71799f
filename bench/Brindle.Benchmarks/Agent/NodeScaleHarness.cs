using System.Diagnostics;
using System.Globalization;
using Brindle.Api;
using Brindle.Bgp.Ports;
using Brindle.Calculation;
using Brindle.Datastore.Resources;
using Brindle.Datastore.Sqlite;
using Brindle.Dataplane;
using Brindle.Dataplane.Routes;
using Brindle.Platform;
using Brindle.Testing;
using ApiRule = Brindle.Api.Rule;

namespace Brindle.Benchmarks.Agent;

using static Brindle.Benchmarks.Harness;

/// <summary>
/// The node agent at cluster scale (issue 5's benchmarks), each in a scratch network namespace:
/// (1) full programming of L local endpoints with P policies and R remote endpoints in IP sets, CalculationGraph ->
/// CompositeDataplane.ForLinux, against the kernel floor in the same run: <c>nft -f</c> of the table the dataplane
/// wrote (read back with <c>nft list table</c>) plus <c>ip -batch</c> of the same routes;
/// (2) latency of one new local endpoint and of one changed policy at that scale, graph + dataplane in-process;
/// (3) the real <c>brindle node run</c> process on an embedded store with 10,000 endpoints and 500 policies:
/// resident memory after in sync and CPU over 10 s idle.
/// <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- node-scale [--runs 3] [--samples 50] [--no-agent | --agent-only]</c>
/// (root, nftables); <c>--calc-only</c> runs the calculation alone (no root).
/// </summary>
public sealed class NodeScaleHarness : IScaleHarness
{
    private const string NodeName = "bench";
    private const int Local = 100;
    private const int Policies = 50;
    private const int Remote = 10_000;
    private const int MemoryPolicies = 500;
    private const int Roles = 50;
    private const int Apps = 10;
    private static readonly TimeSpan AgentSyncTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);
    private const int AgentSamples = 100;
    private static readonly TimeSpan AgentSampleTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LateIdleStart = TimeSpan.FromSeconds(30);

    public string Name => "node-scale";

    public string Description => "Node agent at scale: full programming vs kernel floor, write->kernel latency, agent RSS and idle CPU (root)";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var runs = Option(args, "--runs", 3);
        var samples = Option(args, "--samples", 50);
        var runner = ProcessCommandRunner.Instance;
        var full = new List<double>();
        var calculation = new List<double>();
        var nftables = new List<double>();
        var phases = new List<Brindle.Dataplane.Nftables.NftApplyPhases>();
        var floorNft = new List<double>();
        var floorRoutes = new List<double>();
        var newEndpoint = new List<double>();
        var changedPolicy = new List<double>();
        var newEndpointCalc = new List<double>();
        var newEndpointNft = new List<double>();
        var routeCount = 0;
        var tableBytes = 0;
        output.WriteLine($"node-scale: {Local} local endpoints, {Policies} policies, {Remote} remote endpoints; load {File.ReadAllText("/proc/loadavg").Trim()}");
        if (args.Contains("--calc-only")) return CalculationOnly(runs, output);
        if (args.Contains("--agent-only"))
        {
            await MeasureAgentsAsync(runner, output, cancellationToken);
            return 0;
        }
        for (var run = 0; run < runs; run++)
        {
            var ns = $"bns-{Environment.ProcessId}-{run}";
            await NamespaceAsync(runner, "add", ns, cancellationToken);
            try
            {
                await CreateInterfacesAsync(runner, ns, Local + samples, cancellationToken);
                using var inProcess = new LibNftablesRunner(runner);   // as the agent: nft transactions through libnftables
                var dataplane = CompositeDataplane.ForLinux(inProcess, ns);
                var graph = new CalculationGraph(NodeName, dataplane.OnUpdate);
                var snapshot = Snapshot(Local, Policies).Select(ResourceUpdate.Of).ToList();
                // Each run starts as a fresh agent would: without the earlier runs' garbage (a collection they leave
                // behind would otherwise land inside the next run's window).
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                var sw = Stopwatch.StartNew();
                dataplane.Prepare(cancellationToken);   // as the agent: the kernel is read while the graph calculates
                graph.OnUpdates(snapshot);
                graph.OnInSync();
                calculation.Add(sw.Elapsed.TotalMilliseconds);
                await dataplane.ApplyAsync(cancellationToken);   // as the agent: routes alongside nftables once the guard is in
                full.Add(sw.Elapsed.TotalMilliseconds);
                var nftPhases = ((Brindle.Dataplane.Nftables.NftablesDataplane)dataplane.Drivers[0]).LastPhases;
                phases.Add(nftPhases);
                nftables.Add(nftPhases.Total.TotalMilliseconds);

                // Floor: the exact final state, read back, removed, and written again by the kernel tools alone.
                var table = await Run(runner, new CommandSpec("nft", ["list", "table", "inet", "brindle"]).InNamespace(ns), cancellationToken);
                var routes = (await Run(runner, CommandSpec.Of("ip", "-n", ns, "route", "show", "proto", RouteDataplane.RouteProtocol.ToString(CultureInfo.InvariantCulture)), cancellationToken))
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => $"route add {r.Trim()} proto {RouteDataplane.RouteProtocol}\n").ToList();
                routeCount = routes.Count;
                tableBytes = table.Length;
                await Run(runner, new CommandSpec("nft", ["delete", "table", "inet", "brindle"]).InNamespace(ns), cancellationToken);
                await Run(runner, CommandSpec.Of("ip", "-n", ns, "route", "flush", "proto", RouteDataplane.RouteProtocol.ToString(CultureInfo.InvariantCulture)), cancellationToken);
                floorNft.Add(await TimeAsync(runner, new CommandSpec("nft", ["-f", "-"]) { StandardInput = table }.InNamespace(ns), cancellationToken));
                floorRoutes.Add(await TimeAsync(runner, new CommandSpec("ip", ["-n", ns, "-batch", "-"]) { StandardInput = string.Concat(routes) }, cancellationToken));

                if (run == runs - 1)
                {
                    // Latency at that scale (state is the floor's: identical to what the dataplane wrote).
                    for (var i = 0; i < samples; i++)
                    {
                        sw.Restart();
                        graph.OnUpdate(ResourceUpdate.Of(Endpoint(Remote + Local + i, local: true, Local + i)));
                        newEndpointCalc.Add(sw.Elapsed.TotalMilliseconds);
                        await dataplane.ApplyAsync(cancellationToken);
                        newEndpoint.Add(sw.Elapsed.TotalMilliseconds);
                        newEndpointNft.Add(((Brindle.Dataplane.Nftables.NftablesDataplane)dataplane.Drivers[0]).LastPhases.Total.TotalMilliseconds);
                        sw.Restart();
                        graph.OnUpdate(ResourceUpdate.Of(Policy(i % Policies, port: 8000 + i)));
                        await dataplane.ApplyAsync(cancellationToken);
                        changedPolicy.Add(sw.Elapsed.TotalMilliseconds);
                    }
                }
            }
            finally
            {
                await NamespaceAsync(runner, "del", ns, CancellationToken.None);
            }
        }
        var floor = Median(floorNft) + Median(floorRoutes);
        output.WriteLine($"  routes {routeCount}, nft table {tableBytes / 1024} KiB; {runs} runs, medians");
        output.WriteLine($"  full programming: brindle {Median(full):F0} ms   floor nft -f {Median(floorNft):F0} ms + ip -batch {Median(floorRoutes):F0} ms = {floor:F0} ms   ratio {Median(full) / floor:F2}");
        output.WriteLine($"    per run (ms): brindle {string.Join(", ", full.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}; of which calculation (graph, no I/O) median {Median(calculation):F0} ms, nftables driver {Median(nftables):F0} ms (waiting for the read-ahead {Median(phases.Select(p => p.Read.TotalMilliseconds).ToList()):F1}, render {Median(phases.Select(p => p.Render.TotalMilliseconds).ToList()):F1}, diff {Median(phases.Select(p => p.Diff.TotalMilliseconds).ToList()):F1}, nft -f {Median(phases.Select(p => p.Kernel.TotalMilliseconds).ToList()):F1})");
        var dataplaneOnly = full.Zip(calculation, (f, c) => f - c).ToList();
        output.WriteLine($"    dataplane alone (the drivers, from the graph's messages to the kernel): median {Median(dataplaneOnly):F0} ms, ratio {Median(dataplaneOnly) / floor:F2}");
        if (full.Count >= 4)
        {
            // Later runs execute code the JIT has since optimised (tiered compilation); the first is a cold start.
            var settled = full.Skip(full.Count / 2).ToList();
            output.WriteLine($"    second half of the runs (JIT settled): median {Median(settled):F0} ms, ratio {Median(settled) / floor:F2}; first run (cold) {full[0]:F0} ms");
        }
        output.WriteLine($"  write -> in kernel (graph + dataplane in-process), {samples} samples: new endpoint {Percentiles(newEndpoint)}; changed policy {Percentiles(changedPolicy)}");
        if (newEndpoint.Count > 0) output.WriteLine($"    new endpoint, medians: calculation {Median(newEndpointCalc):F1} ms, nftables apply {Median(newEndpointNft):F1} ms (routes alongside), total {Median(newEndpoint):F1} ms");
        if (!args.Contains("--no-agent")) await MeasureAgentsAsync(runner, output, cancellationToken);
        return 0;
    }

    /// <summary>
    /// <c>--calc-only</c>: the calculation graph alone (no root, no kernel) over the same snapshot, <c>--runs</c> times
    /// in one process, for profiling (<c>dotnet-trace collect -- ... node-scale --calc-only --runs 50</c>).
    /// </summary>
    private static int CalculationOnly(int runs, TextWriter output)
    {
        var snapshot = Snapshot(Local, Policies).Select(ResourceUpdate.Of).ToList();
        var times = new List<double>();
        var renders = new List<double>();
        var deltas = new List<double>();
        var models = new List<double>();
        var messages = 0;
        var script = 0;
        for (var run = 0; run < runs; run++)
        {
            messages = 0;
            var model = new Brindle.Dataplane.Model.DataplaneModel();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            long inModel = 0;
            var sw = Stopwatch.StartNew();
            var graph = new CalculationGraph(NodeName, m =>
            {
                messages++;
                var started = Stopwatch.GetTimestamp();
                model.OnUpdate(m);   // the dataplane's side of each message (the agent feeds both drivers' models)
                inModel += Stopwatch.GetTimestamp() - started;
            });
            graph.OnUpdates(snapshot);
            graph.OnInSync();
            times.Add(sw.Elapsed.TotalMilliseconds);
            models.Add(inModel * 1000.0 / Stopwatch.Frequency);
            if (run == runs - 1)
            {
                output.WriteLine($"  last run: calculation allocated {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1_048_576.0:F1} MB, GCs gen0/1/2 {GC.CollectionCount(0) - collections.Item1}/{GC.CollectionCount(1) - collections.Item2}/{GC.CollectionCount(2) - collections.Item3}");
            }
            sw.Restart();
            var desired = Brindle.Dataplane.Nftables.NftablesRenderer.Render(model);
            renders.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            script = Brindle.Dataplane.Nftables.NftablesDelta.Compute(desired, Brindle.Dataplane.Nftables.NftTableState.Missing, deleteStale: true).Script.Length;
            deltas.Add(sw.Elapsed.TotalMilliseconds);
        }
        output.WriteLine($"  calculation only: {runs} runs, first {times[0]:F0} ms, median {Median(times):F1} ms, {messages} messages (of which the dataplane model's OnUpdate median {Median(models):F1} ms)");
        output.WriteLine($"  nft render: first {renders[0]:F0} ms, median {Median(renders):F1} ms; delta vs missing table: first {deltas[0]:F0} ms, median {Median(deltas):F1} ms, script {script / 1024} KiB");
        return 0;
    }

    /// <summary>The real agent process on a pre-filled embedded store: VmRSS once in sync, CPU ticks over an idle window.</summary>
    /// <summary>The memory scale (500 policies: RSS, idle CPU, latency), then the programming scale (50 policies: latency).</summary>
    private static async Task MeasureAgentsAsync(ICommandRunner runner, TextWriter output, CancellationToken ct)
    {
        await MeasureAgentAsync(runner, output, MemoryPolicies, ct);
        await MeasureAgentAsync(runner, output, Policies, ct);
    }

    private static async Task MeasureAgentAsync(ICommandRunner runner, TextWriter output, int policies, CancellationToken ct)
    {
        using var dir = new TempDirectory("brindle-node-scale");
        var db = dir.Combine("brindle.db");
        await using (var kv = SqliteKeyValueStore.Open(db))
        {
            var resources = Snapshot(Local, policies);
            var result = await new ResourceStore(kv).ApplyAllAsync(resources.Select((r, i) => new Document(r, "bench", i)).ToList(), cancellationToken: ct);
            _ = result;
            // As with Calico IPAM, the node's workloads sit in blocks affine to it (so BIRD exports the blocks, and a
            // new workload does not change BIRD's configuration).
            var locals = Enumerable.Range(0, Local).Concat(Enumerable.Range(Remote + Local + 1000, AgentSamples)).Select(e => Endpoint(e, local: true, 0).Spec.IPNetworks[0].Network.BaseAddress);
            foreach (var block in locals.Select(a => a.GetAddressBytes()).Select(b => $"{b[0]}.{b[1]}.{b[2]}.{b[3] & 0xC0}").Distinct())
            {
                await kv.PutAsync($"/calico/ipam/v2/host/{NodeName}/ipv4/block/{block}-26", """{"state":"confirmed"}""", cancellationToken: ct);
            }
        }
        var ns = $"bns-{Environment.ProcessId}-agent";
        await NamespaceAsync(runner, "add", ns, ct);
        Process? agent = null;
        try
        {
            await CreateInterfacesAsync(runner, ns, Local + AgentSamples, ct);
            string? firstApply = null;   // the agent's own log of its first programming (the dataplane part, messages -> kernel)
            agent = StartAgent(ns, db, NodeName, "10.99.0.1/24", dir.Combine("state"), line =>
            {
                if (firstApply is null && line.Contains("Dataplane apply:", StringComparison.Ordinal)) firstApply = line[(line.IndexOf("Dataplane apply:", StringComparison.Ordinal) + 17)..].Trim();
            });
            var sw = Stopwatch.StartNew();
            while (true)
            {
                var routes = await Run(runner, CommandSpec.Of("ip", "-n", ns, "route", "show", "proto", RouteDataplane.RouteProtocol.ToString(CultureInfo.InvariantCulture)), ct);
                if (routes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= Local) break;
                if (agent.HasExited) throw new InvalidOperationException($"agent exited with {agent.ExitCode}");
                if (sw.Elapsed > AgentSyncTimeout) throw new TimeoutException($"agent did not program {Local} routes within {AgentSyncTimeout.TotalSeconds} s");
                await Task.Delay(100, ct);
            }
            var synced = sw.Elapsed;
            await Task.Delay(Settle, ct);
            var rss = Status(agent.Id, "VmRSS:");
            var hwm = Status(agent.Id, "VmHWM:");
            var ticks0 = CpuTicks(agent.Id);
            await Task.Delay(IdleWindow, ct);
            var ticks = CpuTicks(agent.Id) - ticks0;
            long? settledTicks = null;
            if (policies == MemoryPolicies)
            {
                // Again once start-up work (tiered JIT, the first collections) has settled.
                await Task.Delay(LateIdleStart - Settle - IdleWindow, ct);
                var late0 = CpuTicks(agent.Id);
                await Task.Delay(IdleWindow, ct);
                settledTicks = CpuTicks(agent.Id) - late0;
            }
            output.WriteLine($"  agent (brindle node run, embedded store): {Remote + Local} endpoints, {policies} policies; routes in {synced.TotalSeconds:F1} s after start; its first programming: {firstApply ?? "(not logged)"}");
            output.WriteLine($"    VmRSS {rss} (peak VmHWM {hwm}) {Settle.TotalSeconds:F0} s after in sync");
            output.WriteLine($"    idle CPU over {IdleWindow.TotalSeconds:F0} s from {Settle.TotalSeconds:F0} s after in sync: {ticks} ticks (utime+stime, 100 Hz) = {ticks / IdleWindow.TotalSeconds:F2}% of one core");
            if (settledTicks is { } late) output.WriteLine($"    idle CPU over {IdleWindow.TotalSeconds:F0} s from {LateIdleStart.TotalSeconds:F0} s after in sync: {late} ticks = {late / IdleWindow.TotalSeconds:F2}% of one core");

            // Through the real agent: a WorkloadEndpoint written to the store -> its route (programmed after its nft chain).
            await using var kv = SqliteKeyValueStore.Open(db);
            var store = new ResourceStore(kv);
            var latencies = new List<double>();
            for (var i = 0; i < AgentSamples; i++)
            {
                var endpoint = Endpoint(Remote + Local + 1000 + i, local: true, Local + i);
                var clock = Stopwatch.StartNew();
                await store.ApplyAsync(endpoint, ct);
                var ip = endpoint.Spec.IPNetworks[0].ToString().Split('/')[0];
                while (!(await Run(runner, CommandSpec.Of("ip", "-n", ns, "route", "show", ip + "/32"), ct)).Contains(Interface(Local + i), StringComparison.Ordinal))
                {
                    if (clock.Elapsed > AgentSampleTimeout) throw new TimeoutException($"route {ip} did not appear within {AgentSampleTimeout.TotalSeconds} s");
                    await Task.Delay(5, ct);
                }
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
            output.WriteLine($"    agent path, WorkloadEndpoint write -> its route (after its nft chain), {AgentSamples} samples: {Percentiles(latencies)}");
        }
        finally
        {
            if (agent is not null)
            {
                if (!agent.HasExited) LinuxProcessSignaller.Instance.Terminate(agent.Id);
                if (!agent.WaitForExit(TimeSpan.FromSeconds(10))) agent.Kill(entireProcessTree: true);
                agent.Dispose();
            }
            await NamespaceAsync(runner, "del", ns, CancellationToken.None);
        }
    }

    private static string Status(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim();

    /// <summary>utime + stime (fields 14 and 15 of /proc/PID/stat, after the parenthesised command name).</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Veth pairs <c>caliN</c>/<c>pN</c>, both ends in the namespace, up.</summary>
    private static async Task CreateInterfacesAsync(ICommandRunner runner, string ns, int count, CancellationToken ct)
    {
        var batch = string.Concat(Enumerable.Range(0, count).Select(i => $"link add {Interface(i)} type veth peer name p{i}\nlink set {Interface(i)} up\nlink set p{i} up\n"));
        await Run(runner, new CommandSpec("ip", ["-n", ns, "-batch", "-"]) { StandardInput = batch }, ct);
    }

    private static string Interface(int i) => $"cali{i:x8}";

    /// <summary>The cluster: a namespace, P policies, L local and <see cref="Remote"/> remote endpoints; each policy's source selector matches 1/50 of them.</summary>
    private static List<Resource> Snapshot(int local, int policies)
    {
        var resources = new List<Resource>
        {
            new KubernetesNamespace { Metadata = new() { Name = "default" } },
            new IPPool { Metadata = new() { Name = "pool1" }, Spec = new() { Cidr = Cidr.Parse("10.64.0.0/12") } },
        };
        for (var p = 0; p < policies; p++) resources.Add(Policy(p, 80));
        for (var l = 0; l < local; l++) resources.Add(Endpoint(l, local: true, l));
        for (var r = 0; r < Remote; r++) resources.Add(Endpoint(local + r, local: false, 0));
        return resources;
    }

    private static NetworkPolicy Policy(int p, int port) => new()
    {
        Metadata = new() { Name = $"pol{p}", Namespace = "default" },
        Spec = new()
        {
            Order = p,
            Selector = $"app == 'app{p % Apps}'",
            Ingress = [new ApiRule { Action = Api.RuleAction.Allow, Protocol = Protocol.Tcp, Source = new() { Selector = $"role == 'r{p % Roles}'" }, Destination = new() { Ports = [Port.Number(port)] } }],
            Egress = [new ApiRule { Action = Api.RuleAction.Allow, Protocol = Protocol.Udp, Destination = new() { Selector = $"role == 'r{(p + 1) % Roles}'", Ports = [Port.Number(53)] } }],
        },
    };

    private static WorkloadEndpoint Endpoint(int e, bool local, int interfaceIndex) => new()
    {
        Metadata = new() { Name = $"wep{e}", Namespace = "default", Labels = EquatableMap.Create(("app", $"app{e % Apps}"), ("role", $"r{e % Roles}")) },
        Spec = new()
        {
            Orchestrator = "k8s",
            Node = local ? NodeName : $"node{1 + e % 100}",
            Pod = $"wep{e}",
            Endpoint = "eth0",
            InterfaceName = Interface(local ? interfaceIndex : e),
            IPNetworks = [Cidr.Parse($"10.{64 + e / 65536}.{e / 256 % 256}.{e % 256}/32")],
        },
    };

    private static async Task NamespaceAsync(ICommandRunner runner, string verb, string ns, CancellationToken ct) =>
        await runner.RunAsync(CommandSpec.Of("ip", "netns", verb, ns), ct);

    private static async Task<string> Run(ICommandRunner runner, CommandSpec command, CancellationToken ct)
    {
        var result = await runner.RunAsync(command, ct);
        result.EnsureSuccess(command);
        return result.StandardOutput;
    }

    private static async Task<double> TimeAsync(ICommandRunner runner, CommandSpec command, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        await Run(runner, command, ct);
        return sw.Elapsed.TotalMilliseconds;
    }

    private static string Percentiles(List<double> values)
    {
        var sorted = values.Order().ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.5):F1} ms, p99 {P(0.99):F1} ms, max {sorted[^1]:F1} ms");
    }
}
