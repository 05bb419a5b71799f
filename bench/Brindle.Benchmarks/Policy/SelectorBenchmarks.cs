using BenchmarkDotNet.Attributes;
using Brindle.Policy;

namespace Brindle.Benchmarks.Policy;

/// <summary>
/// Selector evaluation per call against an endpoint-sized label map, with a hand-written check of the same
/// condition as the floor.
/// <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- --filter '*SelectorBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class SelectorBenchmarks
{
    private readonly Dictionary<string, string> _labels = new()
    {
        ["app"] = "web",
        ["tier"] = "frontend",
        ["version"] = "v2",
        ["projectcalico.org/namespace"] = "shop",
        ["projectcalico.org/orchestrator"] = "k8s",
    };

    private Selector _equality = Selector.All;
    private Selector _set = Selector.All;
    private Selector _compound = Selector.All;

    [GlobalSetup]
    public void Setup()
    {
        _equality = Selector.Parse("app == 'web'");
        _set = Selector.Parse("tier in {'backend', 'db', 'frontend', 'cache'}");
        _compound = Selector.Parse("app == 'web' && has(version) && tier not in {'db'} || projectcalico.org/namespace starts with 'kube-'");
    }

    [Benchmark(Baseline = true, Description = "hand-written app == 'web'")]
    public bool HandWritten() => _labels.TryGetValue("app", out var v) && v == "web";

    [Benchmark(Description = "app == 'web'")]
    public bool Equality() => _equality.Matches(_labels);

    [Benchmark(Description = "tier in {4 values}")]
    public bool InSet() => _set.Matches(_labels);

    [Benchmark(Description = "4-term && / || / not in / starts with")]
    public bool Compound() => _compound.Matches(_labels);

    [Benchmark(Description = "parse + evaluate app == 'web' (no caching)")]
    public bool ParseEachTime() => Selector.Parse("app == 'web'").Matches(_labels);
}
