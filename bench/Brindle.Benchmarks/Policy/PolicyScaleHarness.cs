using System.Diagnostics;
using System.Globalization;
using Brindle.Policy;

namespace Brindle.Benchmarks.Policy;

/// <summary>
/// Policy engine figures with medians and same-run baselines, cheap enough for a loaded machine:
/// selector evaluations per second, one label change in a 100k x 1k label index (vs brute force), and a
/// 1,000 x 1,000 simulate matrix. <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- policy</c>
/// </summary>
internal sealed class PolicyScaleHarness : IScaleHarness
{
    private const int Batches = 15;

    public string Name => "policy";

    public string Description => "selector evals/s, label-index change (100k endpoints x 1k selectors) vs brute force, 1k x 1k simulate matrix";

    public Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}; medians of {Batches} batches");
        Selectors(output);
        LabelIndex(output);
        Matrix(output, args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000);
        output.WriteLine($"load average at the end: {LoadAverage()}");
        return Task.FromResult(0);
    }

    private static void Selectors(TextWriter output)
    {
        var labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "frontend", ["version"] = "v2", ["projectcalico.org/namespace"] = "shop" };
        const int PerBatch = 2_000_000;
        var simple = Selector.Parse("app == 'web'");
        var compound = Selector.Parse("app == 'web' && has(version) && tier not in {'db'} || projectcalico.org/namespace starts with 'kube-'");
        IReadOnlyDictionary<string, string> readOnly = labels;
        var wrapped = new ReadOnlyLabels(labels);
        var hand = Median(PerBatch, () => labels.TryGetValue("app", out var v) && v == "web");
        var simpleNs = Median(PerBatch, () => simple.Matches(labels));
        var interfaceNs = Median(PerBatch, () => simple.Matches(readOnly));
        var wrappedNs = Median(PerBatch, () => simple.Matches(wrapped));
        var compoundNs = Median(PerBatch, () => compound.Matches(labels));
        output.WriteLine($"selector app == 'web':          {simpleNs,8:F1} ns/op = {1e3 / simpleNs,6:F1} M evals/s (hand-written check {hand:F1} ns/op, ratio {simpleNs / hand:F2})");
        output.WriteLine($"  same, labels typed IReadOnlyDictionary: {interfaceNs,8:F1} ns/op; other IReadOnlyDictionary (interface lookups): {wrappedNs:F1} ns/op");
        output.WriteLine($"selector 4-term compound:       {compoundNs,8:F1} ns/op = {1e3 / compoundNs,6:F1} M evals/s");
    }

    private static void LabelIndex(TextWriter output)
    {
        var build = Stopwatch.StartNew();
        var matches = 0;
        var index = new LabelIndex<int, int>((_, _) => matches++, (_, _) => matches--);
        var selectors = new Selector[1000];
        for (var s = 0; s < selectors.Length; s++)
        {
            selectors[s] = Selector.Parse(s switch
            {
                < 800 => $"app == 'app{s}'",
                < 900 => $"app in {{'app{s}', 'app{s - 100}', 'app{s - 200}'}}",
                < 990 => $"ns == 'ns{s % 100}' && tier == 't{s % 3}'",
                _ => $"!has(canary{s}) && tier != 'x'",
            });
            index.UpdateSelector(s, selectors[s]);
        }
        static Dictionary<string, string> Labels(int app) => new() { ["app"] = $"app{app}", ["tier"] = $"t{app % 3}" };
        for (var e = 0; e < 100_000; e++) index.UpdateItem(e, Labels(e % 1000), [$"kns.ns{e % 100}"]);
        for (var n = 0; n < 100; n++) index.UpdateParentLabels($"kns.ns{n}", new Dictionary<string, string> { ["ns"] = $"ns{n}" });
        output.WriteLine($"label index built: 100,000 endpoints x 1,000 selectors, {matches:N0} matches, in {build.Elapsed.TotalSeconds:F1} s");
        Dictionary<string, string>[] toggle = [Labels(1), Labels(2)];
        var flip = 0;
        const int PerBatch = 2_000;
        var indexNs = Median(PerBatch, () =>
        {
            index.UpdateItem(77, toggle[flip ^= 1], ["kns.ns77"]);
            return true;
        });
        var bruteNs = Median(PerBatch / 10, () =>
        {
            var labels = toggle[flip ^= 1];
            var count = 0;
            foreach (var selector in selectors) count += selector.Matches(labels) ? 1 : 0;
            return count > 0;
        });
        var selectorNs = Median(PerBatch / 10, () =>
        {
            index.UpdateSelector(5, (flip ^= 1) == 0 ? selectors[5] : selectors[6]);
            return true;
        });
        output.WriteLine($"label change, one endpoint:     {indexNs / 1e3,8:F2} us (brute force over 1,000 selectors: {bruteNs / 1e3:F2} us, {bruteNs / indexNs:F1}x slower)");
        output.WriteLine($"selector change (100 matches):  {selectorNs / 1e3,8:F2} us");
    }

    private static void Matrix(TextWriter output, int size)
    {
        var model = PolicyScaleModel.Build(size, size);
        // Same-run baseline: one PolicyEvaluator.Evaluate per pair (the path before the precomputed plan), once.
        var pairsWatch = Stopwatch.StartNew();
        var byPairs = ReachabilityMatrix.ComputeByPairs(new PolicyEvaluator(model), 6, 80);
        var pairsSeconds = pairsWatch.Elapsed.TotalSeconds;
        var times = new List<double>();
        ReachabilityMatrix? matrix = null;
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            matrix = ReachabilityMatrix.Compute(new PolicyEvaluator(model), 6, 80);
            times.Add(watch.Elapsed.TotalSeconds);
        }
        var allowed = 0;
        for (var s = 0; s < size; s++)
        {
            for (var d = 0; d < size; d++) allowed += s != d && matrix!.IsAllowed(s, d) ? 1 : 0;
        }
        times.Sort();
        // Where the time goes (one more run, timed by phase).
        var phase = Stopwatch.StartNew();
        var evaluator = new PolicyEvaluator(model);
        var endpoints = evaluator.Endpoints.ToArray();
        var plan = new MatrixPlan(evaluator, endpoints, [.. endpoints.Select(evaluator.PeerOf)], 6, 80);
        var planSeconds = phase.Elapsed.TotalSeconds;
        phase.Restart();
        var count = 0;
        for (var s = 0; s < size; s++)
        {
            for (var d = 0; d < size; d++) count += s != d && plan.Allowed(s, d) ? 1 : 0;
        }
        output.WriteLine($"simulate matrix phases: evaluator + plan (applicable policies, rule-side bitsets, per-endpoint walks over all peers) {planSeconds:F2} s, reading 1M pairs {phase.Elapsed.TotalSeconds:F2} s ({count:N0} allowed)");
        if (byPairs.ToGrid() != matrix!.ToGrid()) throw new InvalidOperationException("the precomputed matrix differs from per-pair evaluation");
        output.WriteLine($"simulate matrix by per-pair Evaluate (before): {pairsSeconds:F2} s (1 run); precomputed plan {pairsSeconds / times[1]:F0}x faster");
        output.WriteLine($"simulate matrix {size} endpoints x {size} policies ({(long)size * (size - 1):N0} connections, {allowed:N0} allowed): median {times[1]:F2} s of 3 (min {times[0]:F2} s, {times[1] * 1e9 / ((long)size * (size - 1)):F0} ns/connection)");
    }

    /// <summary>Median nanoseconds per call over <see cref="Batches"/> batches.</summary>
    private static double Median(int perBatch, Func<bool> action)
    {
        var sink = 0;
        for (var i = 0; i < perBatch / 10; i++) sink += action() ? 1 : 0;
        var samples = new double[Batches];
        for (var b = 0; b < Batches; b++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < perBatch; i++) sink += action() ? 1 : 0;
            samples[b] = watch.Elapsed.TotalNanoseconds / perBatch;
        }
        GC.KeepAlive(sink);
        Array.Sort(samples);
        return samples[Batches / 2];
    }

    /// <summary>An <see cref="IReadOnlyDictionary{TKey, TValue}"/> that is not a Dictionary: the interface-dispatch path.</summary>
    private sealed class ReadOnlyLabels(Dictionary<string, string> labels) : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => labels[key];

        public IEnumerable<string> Keys => labels.Keys;

        public IEnumerable<string> Values => labels.Values;

        public int Count => labels.Count;

        public bool ContainsKey(string key) => labels.ContainsKey(key);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value) => labels.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => labels.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
