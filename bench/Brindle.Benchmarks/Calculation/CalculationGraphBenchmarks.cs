using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Brindle.Api;
using Brindle.Calculation;

namespace Brindle.Benchmarks.Calculation;

/// <summary>
/// The calculation graph at cluster scale: 10,000 workload endpoints (50 on this node) in 20 namespaces, 1,000 policies
/// (800 GlobalNetworkPolicies, 200 NetworkPolicies; each with an ingress rule by selector and an egress rule by
/// namespaceSelector). Initial calculation (every resource in one batch, then InSync) is the same-run baseline for the
/// incremental cases: one remote endpoint's label change (moves it between IP sets) and one local endpoint's label
/// change (changes which policies apply to it and re-resolves its tiers).
/// <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- --filter '*CalculationGraphBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(InProcessConfig))]
public class CalculationGraphBenchmarks
{
    /// <summary>In-process: the generated-project build BenchmarkDotNet does by default exceeds its timeout on the shared build machine.</summary>
    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(10));
    }

    private const int Endpoints = 10_000;
    private const int LocalEndpoints = 50;
    private const int Policies = 1_000;
    private const int Namespaces = 20;

    private List<ResourceUpdate> _snapshot = [];
    private CalculationGraph _graph = null!;
    private ResourceUpdate[] _remoteToggle = [];
    private ResourceUpdate[] _localToggle = [];
    private int _messages;
    private int _flip;

    [GlobalSetup]
    public void Setup()
    {
        for (var n = 0; n < Namespaces; n++)
        {
            _snapshot.Add(ResourceUpdate.Of(new KubernetesNamespace { Metadata = new() { Name = $"ns{n}", Labels = EquatableMap.Create(("env", n % 2 == 0 ? "prod" : "dev")) } }));
        }
        for (var p = 0; p < Policies; p++) _snapshot.Add(ResourceUpdate.Of(Policy(p)));
        for (var e = 0; e < Endpoints; e++) _snapshot.Add(ResourceUpdate.Of(Endpoint(e, $"r{e % 50}", $"app{e % 100}")));
        _graph = Build();
        _remoteToggle = [ResourceUpdate.Of(Endpoint(7777, "r27", "app77")), ResourceUpdate.Of(Endpoint(7777, "r28", "app77"))];
        _localToggle = [ResourceUpdate.Of(Endpoint(7, "r7", "app7")), ResourceUpdate.Of(Endpoint(7, "r7", "app8"))];
    }

    [Benchmark(Baseline = true, Description = "initial calculation: 10,000 endpoints (50 local), 1,000 policies, InSync")]
    public int InitialCalculation() => Build().ActiveIPSetCount;

    [Benchmark(Description = "one remote endpoint's label change (IP set deltas)")]
    public int RemoteLabelChange()
    {
        _graph.OnUpdate(_remoteToggle[_flip ^= 1]);
        return _messages;
    }

    [Benchmark(Description = "one local endpoint's label change (policies and tiers re-resolved)")]
    public int LocalLabelChange()
    {
        _graph.OnUpdate(_localToggle[_flip ^= 1]);
        return _messages;
    }

    private CalculationGraph Build()
    {
        var graph = new CalculationGraph("node0", _ => _messages++);
        graph.OnUpdates(_snapshot);
        graph.OnInSync();
        return graph;
    }

    private static Resource Policy(int p)
    {
        var ingress = new Rule { Action = Api.RuleAction.Allow, Source = new() { Selector = $"role == 'r{p % 50}'" } };
        var egress = new Rule { Action = Api.RuleAction.Allow, Destination = new() { NamespaceSelector = "env == 'prod'", Selector = $"app == 'app{p % 100}'" } };
        if (p < 800)
        {
            return new GlobalNetworkPolicy
            {
                Metadata = new() { Name = $"gnp{p}" },
                Spec = new() { Order = p, Selector = $"app == 'app{p % 100}'", Ingress = [ingress], Egress = [egress] },
            };
        }
        return new NetworkPolicy
        {
            Metadata = new() { Name = $"np{p}", Namespace = $"ns{p % Namespaces}" },
            Spec = new() { Order = p, Selector = $"app == 'app{p % 100}'", Ingress = [ingress], Egress = [egress] },
        };
    }

    private static WorkloadEndpoint Endpoint(int e, string role, string app) => new()
    {
        Metadata = new() { Name = $"wep{e}", Namespace = $"ns{e % Namespaces}", Labels = EquatableMap.Create(("app", app), ("role", role)) },
        Spec = new()
        {
            Orchestrator = "k8s",
            Node = e < LocalEndpoints ? "node0" : $"node{1 + (e % 200)}",
            Pod = $"wep{e}",
            Endpoint = "eth0",
            InterfaceName = $"cali{e:x8}",
            IPNetworks = [Cidr.Parse($"10.{e / 65536 % 256}.{e / 256 % 256}.{e % 256}/32")],
        },
    };
}
