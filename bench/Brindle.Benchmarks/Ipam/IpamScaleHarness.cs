using System.Diagnostics;
using System.Globalization;
using System.Net;
using Brindle.Datastore.Kv;
using Brindle.Ipam;
using Brindle.Ipam.Ports;
using Brindle.Testing;

namespace Brindle.Benchmarks.Ipam;

/// <summary>
/// IPAM assignment throughput: <c>--total</c> single-address assignments (one handle each) split over 1 and over 8 concurrent
/// allocators (at each step two allocators per node, so they contend for blocks), on a fresh store per run; medians over <c>--runs</c>, and CAS
/// conflict retries per assignment. <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- ipam [--backend memory] [--total 2000] [--runs 5]</c>
/// </summary>
public sealed class IpamScaleHarness : IScaleHarness
{
    private static readonly IpamPool Pool = new(IPNetwork.Parse("10.64.0.0/20"), 27);

    public string Name => "ipam";

    public string Description => "IPAM assignments/s with 1 and 8 concurrent allocators, conflict retries per assignment";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var backend = Arg(args, "--backend", "memory");
        var total = int.Parse(Arg(args, "--total", "2000"), CultureInfo.InvariantCulture);
        var runs = int.Parse(Arg(args, "--runs", "5"), CultureInfo.InvariantCulture);
        Func<IKeyValueStore> open = backend switch
        {
            "memory" => () => new InMemoryKeyValueStore(),
            _ => throw new ArgumentException($"--backend {backend}: this build has only 'memory' (sqlite and etcd arrive with the store branch)."),
        };

        output.WriteLine($"ipam harness: backend {backend}, {total} assignments per run, {runs} runs, pool {Pool.Cidr} /{Pool.BlockSize} blocks");
        await RunOnceAsync(open, 8, 400, cancellationToken);   // warm-up (JIT), not counted
        var medians = new Dictionary<int, double>();
        foreach (var allocators in new[] { 1, 8 })
        {
            var rates = new List<double>();
            var conflicts = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var (rate, conflictsPerAssignment) = await RunOnceAsync(open, allocators, total, cancellationToken);
                rates.Add(rate);
                conflicts.Add(conflictsPerAssignment);
            }
            medians[allocators] = Median(rates);
            output.WriteLine($"  {allocators} allocator(s): median {Median(rates):F0} assignments/s (runs: {string.Join(", ", rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}), " +
                $"median {Median(conflicts):F3} conflict retries per assignment");
        }
        output.WriteLine($"  ratio 8 vs 1 allocators: {medians[8] / medians[1]:F2}x");
        return 0;
    }

    private static async Task<(double Rate, double ConflictsPerAssignment)> RunOnceAsync(Func<IKeyValueStore> open, int allocators, int total, CancellationToken cancellationToken)
    {
        await using var store = open();
        var nodes = Enumerable.Range(0, 4).ToDictionary(n => $"bench-node-{n}", _ => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>());
        var sources = new StaticIpamSources([Pool], [], nodes);
        var clients = Enumerable.Range(0, allocators)
            .Select(_ => new IpamClient(new SharedKeyValueStore(store), sources, sources, sources, (_, _) => true))
            .ToList();
        var perAllocator = total / allocators;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, allocators).Select(a => Task.Run(async () =>
        {
            for (var i = 0; i < perAllocator; i++)
                await clients[a].AutoAssignAsync(new AutoAssignRequest($"bench-node-{(a + i) % 4}", $"bench-{a}-{i}"), cancellationToken);
        }, cancellationToken)));
        clock.Stop();
        var done = perAllocator * allocators;
        return (done / clock.Elapsed.TotalSeconds, clients.Sum(c => c.ConflictRetries) / (double)done);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
