using BenchmarkDotNet.Attributes;
using Brindle.Api;

namespace Brindle.Benchmarks;

/// <summary>
/// Cost of the resource codec on 10,000 WorkloadEndpoints, the unit of the datastore's apply/get goal
/// (get of 10,000 in under 1 s). Run: <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- --filter '*ResourceCodec*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ResourceCodecBenchmarks
{
    private const int Count = 10_000;

    private WorkloadEndpoint[] _endpoints = [];
    private string[] _storedJson = [];
    private string _yaml = "";

    [GlobalSetup]
    public void Setup()
    {
        _endpoints = [.. Enumerable.Range(0, Count).Select(Endpoint)];
        _storedJson = [.. _endpoints.Select(ResourceCodec.ToJson)];
        _yaml = ResourceCodec.WriteYaml(_endpoints);
    }

    private static WorkloadEndpoint Endpoint(int i) => ResourceDefaults.Apply(new WorkloadEndpoint
    {
        Metadata = new() { Name = $"node{i % 100}-k8s-pod{i}-eth0", Namespace = $"ns{i % 10}", Labels = EquatableMap.Create(("app", $"app{i % 50}"), ("tier", "web")) },
        Spec = new()
        {
            Orchestrator = "k8s",
            Node = $"node{i % 100}",
            Pod = $"pod{i}",
            Endpoint = "eth0",
            InterfaceName = $"cali{i:x11}",
            IPNetworks = [Cidr.Parse($"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}/32")],
            Profiles = [$"kns.ns{i % 10}"],
            Mac = "ca:fe:00:00:00:01",
        },
    });

    /// <summary>Same-run baseline: only parsing the stored JSON, no decoding into records.</summary>
    [Benchmark(Baseline = true)]
    public int ParseStoredJsonOnly()
    {
        var total = 0;
        foreach (var json in _storedJson)
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            total += (int)document.RootElement.ValueKind;
        }
        return total;
    }

    [Benchmark]
    public int FromStoredJson()
    {
        var total = 0;
        foreach (var json in _storedJson) total += ResourceCodec.FromJson(json).Name.Length;
        return total;
    }

    [Benchmark]
    public int ToStoredJson()
    {
        var total = 0;
        foreach (var endpoint in _endpoints) total += ResourceCodec.ToJson(endpoint).Length;
        return total;
    }

    [Benchmark]
    public int ReadYaml() => ResourceCodec.Read(_yaml, "bench.yaml").Documents.Count;

    [Benchmark]
    public int WriteYaml() => ResourceCodec.WriteYaml(_endpoints).Length;

    [Benchmark]
    public int Validate() => ResourceValidator.Validate([.. _endpoints.Select((e, i) => new Document(e, "bench", i + 1))], ValidationContext.Empty).Count;
}
