using BenchmarkDotNet.Attributes;
using Brindle.Policy;

namespace Brindle.Benchmarks.Policy;

/// <summary>
/// Cost of one change in a cluster of 100,000 endpoints and 1,000 selectors (900 <c>app == 'appN'</c> or
/// <c>app in {…}</c>, 90 <c>ns == … &amp;&amp; tier == …</c>, 10 unindexable <c>!has(canary)</c>-style ones).
/// Compared in the same run with the brute-force alternative (evaluate every selector against the changed endpoint).
/// <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- --filter '*LabelIndexBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class LabelIndexBenchmarks
{
    private const int Endpoints = 100_000;
    private const int Selectors = 1_000;

    private LabelIndex<int, int> _index = null!;
    private Selector[] _selectors = [];
    private Dictionary<string, string>[] _toggle = [];
    private int _matches;
    private int _flip;

    [GlobalSetup]
    public void Setup()
    {
        _index = new LabelIndex<int, int>((_, _) => _matches++, (_, _) => _matches--);
        _selectors = new Selector[Selectors];
        for (var s = 0; s < Selectors; s++)
        {
            _selectors[s] = Selector.Parse(s switch
            {
                < 800 => $"app == 'app{s}'",
                < 900 => $"app in {{'app{s}', 'app{s - 100}', 'app{s - 200}'}}",
                < 990 => $"ns == 'ns{s % 100}' && tier == 't{s % 3}'",
                _ => $"!has(canary{s}) && tier != 'x'",
            });
            _index.UpdateSelector(s, _selectors[s]);
        }
        for (var e = 0; e < Endpoints; e++) _index.UpdateItem(e, Labels(e % 1000), [$"kns.ns{e % 100}"]);
        for (var n = 0; n < 100; n++) _index.UpdateParentLabels($"kns.ns{n}", new Dictionary<string, string> { ["ns"] = $"ns{n}" });
        _toggle = [Labels(1), Labels(2)];
    }

    private static Dictionary<string, string> Labels(int app) => new()
    {
        ["app"] = $"app{app}",
        ["tier"] = $"t{app % 3}",
        ["projectcalico.org/orchestrator"] = "k8s",
    };

    [Benchmark(Baseline = true, Description = "brute force: evaluate 1,000 selectors on the changed endpoint")]
    public int BruteForceLabelChange()
    {
        var labels = _toggle[_flip ^= 1];
        var count = 0;
        foreach (var selector in _selectors)
        {
            if (selector.Matches(labels)) count++;
        }
        return count;
    }

    [Benchmark(Description = "index: one endpoint's app label changes")]
    public int IndexLabelChange()
    {
        _index.UpdateItem(77, _toggle[_flip ^= 1], ["kns.ns77"]);
        return _matches;
    }

    [Benchmark(Description = "index: one selector changes (app == 'app5' <-> 'app6', 100 endpoints each)")]
    public int IndexSelectorChange()
    {
        _index.UpdateSelector(5, (_flip ^= 1) == 0 ? _selectors[5] : _selectors[6]);
        return _matches;
    }
}
