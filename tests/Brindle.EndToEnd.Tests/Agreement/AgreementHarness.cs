using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Brindle.Api;
using Brindle.Calculation;
using Brindle.Calculation.Messages;
using Brindle.Dataplane;
using Brindle.Lab.TestBed;
using Brindle.Platform;
using Brindle.Policy;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// One node namespace programmed by the real agent pipeline (resources → <see cref="CalculationGraph"/> →
/// <see cref="CompositeDataplane"/> in the node's namespace), one namespace per local workload endpoint (TCP and UDP
/// echo listeners on every probed port), and the <see cref="PolicyEvaluator"/> built from the same resources.
/// <see cref="CompareAsync"/> sends real TCP, UDP and ICMP probes between every ordered pair of workloads and sets
/// each outcome beside the evaluator's verdict.
/// </summary>
internal sealed class AgreementHarness : IAsyncDisposable
{
    public const int TcpPortA = 80;
    public const int TcpPortB = 8080;
    public const int UdpPort = 5353;

    /// <summary>A denied probe is a real timeout; an allowed one answers in well under a millisecond here.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(400);

    /// <summary>Second chance for "denied but should be allowed" (a loaded CI machine); a dropped packet stays dropped.</summary>
    public static readonly TimeSpan RetryTimeout = TimeSpan.FromMilliseconds(2000);

    private const int MaxParallelProbes = 32;

    private AgreementHarness(AgreementScenario scenario, NamespaceTestBed bed, TestNode node, CountingCommandRunner runner, PolicyEvaluator evaluator)
    {
        Scenario = scenario;
        Bed = bed;
        Node = node;
        Runner = runner;
        Evaluator = evaluator;
        Dataplane = CompositeDataplane.ForLinux(runner, node.Namespace);
    }

    public AgreementScenario Scenario { get; private set; }

    public NamespaceTestBed Bed { get; }

    public TestNode Node { get; }

    /// <summary>Every command the dataplane ran (for churn checks).</summary>
    public CountingCommandRunner Runner { get; }

    public CompositeDataplane Dataplane { get; private set; }

    public PolicyEvaluator Evaluator { get; private set; }

    /// <summary>The graph that fed <see cref="Dataplane"/> (kept for incremental updates).</summary>
    public CalculationGraph? Graph { get; private set; }

    public IReadOnlyList<TestWorkload> Workloads { get; private set; } = [];

    /// <summary>Builds the namespaces, programs the node through the calculation graph and builds the evaluator.</summary>
    public static async Task<AgreementHarness> CreateAsync(AgreementScenario scenario, string prefix = "agree")
    {
        var evaluator = BuildEvaluator(scenario);
        var bed = await NamespaceTestBed.CreateAsync(prefix);
        try
        {
            var node = await bed.CreateNodeAsync("node");
            var harness = new AgreementHarness(scenario, bed, node, new CountingCommandRunner(ProcessCommandRunner.Instance), evaluator);
            await harness.AddWorkloadsAsync();
            await harness.ProgramAsync(harness.Dataplane);
            return harness;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    private static PolicyEvaluator BuildEvaluator(AgreementScenario scenario)
    {
        var built = PolicyModelBuilder.Build(scenario.Resources);
        if (built.Errors.Count > 0) throw new InvalidOperationException("evaluator refused the scenario:\n" + string.Join('\n', built.Errors));
        return new PolicyEvaluator(built.Model);
    }

    /// <summary>
    /// A live change, as the agent sees it: each resource of <paramref name="next"/> that differs from the current
    /// scenario (and each deletion) goes to the running graph one update at a time, then one apply; the evaluator is
    /// rebuilt from <paramref name="next"/>. Workloads themselves must stay the same.
    /// </summary>
    public async Task<ApplyReport> UpdateAsync(AgreementScenario next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var graph = Graph ?? throw new InvalidOperationException("not programmed yet");
        var before = Scenario.Resources.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var after = next.Resources.ToDictionary(r => r.Key, StringComparer.Ordinal);
        foreach (var key in before.Keys.Where(k => !after.ContainsKey(k))) graph.OnUpdate(new ResourceUpdate(key, null));
        foreach (var (key, resource) in after.Where(a => !before.TryGetValue(a.Key, out var old) || !old.Equals(a.Value))) graph.OnUpdate(new ResourceUpdate(key, resource));
        Scenario = next;
        Evaluator = BuildEvaluator(next);
        return await Dataplane.ApplyAsync();
    }

    private async Task AddWorkloadsAsync()
    {
        var list = new List<TestWorkload>();
        var index = 0;
        foreach (var endpoint in Scenario.Resources.OfType<WorkloadEndpoint>()
                     .Where(w => w.Spec.Node == AgreementScenario.NodeName && w.Spec.InterfaceName is not null)
                     .OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var address = endpoint.Spec.IPNetworks.Select(n => n.Address).First(a => a.AddressFamily == AddressFamily.InterNetwork);
            var workload = await Bed.CreateWorkloadAsync(Node, $"w{index++}", endpoint.Spec.InterfaceName!, address, mac: endpoint.Spec.Mac);
            Bed.Listen(workload, ProtocolType.Tcp, TcpPortA);
            Bed.Listen(workload, ProtocolType.Tcp, TcpPortB);
            Bed.Listen(workload, ProtocolType.Udp, UdpPort);
            list.Add(workload);
        }
        Workloads = list;
    }

    /// <summary>
    /// What an agent does at start: a fresh graph fed the whole snapshot, InSync, then the first apply (which reads
    /// the kernel first). Returns the report of that apply.
    /// </summary>
    public async Task<ApplyReport> ProgramAsync(CompositeDataplane dataplane)
    {
        var graph = new CalculationGraph(AgreementScenario.NodeName, dataplane.OnUpdate);
        graph.OnUpdates([.. Scenario.Resources.Select(ResourceUpdate.Of)]);
        graph.OnInSync();
        Graph = graph;
        Dataplane = dataplane;
        return await dataplane.ApplyAsync();
    }

    /// <summary>A fresh dataplane for the same node, as a restarted agent would build it.</summary>
    public CompositeDataplane RestartedDataplane() => CompositeDataplane.ForLinux(Runner, Node.Namespace);

    public Task<CommandResult> NftAsync(params string[] arguments) =>
        ProcessCommandRunner.Instance.RunAsync(new CommandSpec("nft", arguments).InNamespace(Node.Namespace));

    /// <summary>Every ordered pair of distinct workloads × (TCP 80, TCP 8080, UDP 5353, ICMP echo): the real outcome and the evaluator's verdict.</summary>
    public async Task<AgreementReport> CompareAsync()
    {
        var probes = new List<AgreementProbe>();
        var peers = Workloads.Select(w => (Workload: w, Peer: PeerOf(w))).ToList();
        foreach (var (from, fromPeer) in peers)
        {
            foreach (var (to, toPeer) in peers)
            {
                if (ReferenceEquals(from, to)) continue;
                probes.Add(new(from, fromPeer, to, toPeer, ProbeKind.Tcp, TcpPortA));
                probes.Add(new(from, fromPeer, to, toPeer, ProbeKind.Tcp, TcpPortB));
                probes.Add(new(from, fromPeer, to, toPeer, ProbeKind.Udp, UdpPort));
                probes.Add(new(from, fromPeer, to, toPeer, ProbeKind.Icmp, null));
            }
        }
        var outcomes = new ConcurrentDictionary<AgreementProbe, bool>();
        using var gate = new SemaphoreSlim(MaxParallelProbes);
        await Task.WhenAll(probes.Select(async probe =>
        {
            await gate.WaitAsync();
            try
            {
                outcomes[probe] = await SendAsync(probe, ProbeTimeout);
            }
            finally
            {
                gate.Release();
            }
        }));
        var results = new List<AgreementResult>();
        foreach (var probe in probes)
        {
            var verdict = Evaluator.Evaluate(probe.Connection);
            var real = outcomes[probe];
            if (!real && verdict.Allowed) real = await SendAsync(probe, RetryTimeout);
            results.Add(new(probe, real, verdict));
        }
        return new(Scenario.Name, results);
    }

    private PolicyPeer PeerOf(TestWorkload workload)
    {
        if (!Evaluator.TryResolvePeer(workload.IPv4!.ToString(), out var peer, out var error) || peer!.IsExternal)
        {
            throw new InvalidOperationException($"the evaluator has no endpoint at {workload.IPv4} ({workload.InterfaceName}): {error}");
        }
        return peer;
    }

    private async Task<bool> SendAsync(AgreementProbe probe, TimeSpan timeout)
    {
        var address = probe.To.IPv4!;
        return probe.Kind switch
        {
            ProbeKind.Tcp => await Probe.TcpAsync(probe.From, address, probe.Port!.Value, timeout),
            ProbeKind.Udp => await Probe.UdpAsync(probe.From, address, probe.Port!.Value, timeout),
            _ => await PingAsync(probe.From, address, timeout),
        };
    }

    /// <summary>One echo request with a sub-second deadline (<see cref="Probe.PingAsync"/> waits a whole second).</summary>
    private static async Task<bool> PingAsync(TestWorkload from, IPAddress address, TimeSpan timeout)
    {
        var seconds = timeout.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture);
        var command = CommandSpec.Of("ping", "-4", "-n", "-q", "-c", "1", "-W", seconds, address.ToString()).InNamespace(from.Namespace)
            with { Timeout = TimeSpan.FromSeconds(10) };
        return (await ProcessCommandRunner.Instance.RunAsync(command)).Succeeded;
    }

    /// <summary>Stops the listeners and deletes every namespace (the bed does both, even after failures).</summary>
    public ValueTask DisposeAsync() => Bed.DisposeAsync();
}

internal enum ProbeKind
{
    Tcp,
    Udp,
    Icmp,
}

/// <summary>One probe: from a workload to another, TCP/UDP to a port or an ICMP echo request.</summary>
internal sealed record AgreementProbe(TestWorkload From, PolicyPeer FromPeer, TestWorkload To, PolicyPeer ToPeer, ProbeKind Kind, int? Port)
{
    public PolicyConnection Connection => Kind switch
    {
        ProbeKind.Tcp => new(FromPeer, ToPeer, 6, Port),
        ProbeKind.Udp => new(FromPeer, ToPeer, 17, Port),
        _ => new(FromPeer, ToPeer, 1, null, IcmpType: 8, IcmpCode: 0),
    };

    public string Describe() => Kind == ProbeKind.Icmp ? "ICMP echo" : $"{Kind.ToString().ToUpperInvariant()}/{Port}";
}

/// <summary>A probe's real outcome beside the evaluator's verdict.</summary>
internal sealed record AgreementResult(AgreementProbe Probe, bool RealAllowed, ConnectionVerdict Verdict)
{
    public bool Agrees => RealAllowed == Verdict.Allowed;
}

/// <summary>All results of one comparison, and the table of disagreements.</summary>
internal sealed record AgreementReport(string Scenario, IReadOnlyList<AgreementResult> Results)
{
    public IReadOnlyList<AgreementResult> Mismatches => [.. Results.Where(r => !r.Agrees)];

    public int Allowed => Results.Count(r => r.RealAllowed);

    public int Denied => Results.Count(r => !r.RealAllowed);

    /// <summary>Real outcome of the probe from <paramref name="from"/> to <paramref name="to"/> (endpoint ids such as <c>x/a</c>).</summary>
    public bool Real(string from, string to, ProbeKind kind, int? port = null) =>
        Results.Single(r => r.Probe.FromPeer.Endpoint!.Id == from
                            && r.Probe.ToPeer.Endpoint!.Id == to
                            && r.Probe.Kind == kind && (port is null || r.Probe.Port == port)).RealAllowed;

    public string MismatchTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Scenario}: {Mismatches.Count} of {Results.Count} probes disagree (real vs policy simulate)");
        text.AppendLine("from                 to                   probe       real   evaluator  egress / ingress (evaluator)");
        foreach (var r in Mismatches)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Probe.FromPeer.Endpoint!.Id,-20} {r.Probe.ToPeer.Endpoint!.Id,-20} {r.Probe.Describe(),-11} {(r.RealAllowed ? "Allow" : "Deny"),-6} {(r.Verdict.Allowed ? "Allow" : "Deny"),-10} " +
                $"egress: {r.Verdict.Egress.Describe()}; ingress: {r.Verdict.Ingress.Describe()}");
        }
        return text.ToString();
    }

    /// <summary>Fails with the mismatch table unless every probe agrees.</summary>
    public void AssertAgreement()
    {
        if (Mismatches.Count > 0) Assert.Fail(MismatchTable());
    }
}

/// <summary>Runs commands through another runner and records them (to prove a restart writes nothing).</summary>
internal sealed class CountingCommandRunner(ICommandRunner inner) : ICommandRunner
{
    private readonly ConcurrentQueue<CommandSpec> _commands = new();

    public IReadOnlyList<CommandSpec> Commands => [.. _commands];

    /// <summary>Commands that change the kernel: <c>nft -f</c> transactions and <c>ip -batch</c> route batches.</summary>
    public IReadOnlyList<CommandSpec> Writes => [.. _commands.Where(c =>
        (c.FileName == "nft" && c.Arguments.Contains("-f")) || (c.FileName == "ip" && c.Arguments.Contains("-batch")))];

    public void Clear() => _commands.Clear();

    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken = default)
    {
        _commands.Enqueue(command);
        return inner.RunAsync(command, cancellationToken);
    }
}
