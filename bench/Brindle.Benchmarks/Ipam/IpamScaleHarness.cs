using System.Diagnostics;
using System.Globalization;
using System.Net;
using Brindle.Datastore.Etcd;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Sqlite;
using Brindle.Ipam;
using Brindle.Ipam.Ports;
using Brindle.Testing;

namespace Brindle.Benchmarks.Ipam;

using static Brindle.Benchmarks.Harness;

/// <summary>
/// IPAM assignment throughput: <c>--total</c> single-address assignments (one handle each) split over 1 and over 8 concurrent
/// allocators (at each step two allocators per node, so they contend for blocks), on a fresh store per run; medians over <c>--runs</c>, and CAS
/// conflict retries per assignment. <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- ipam [--backend memory|sqlite|etcd] [--total 2000] [--runs 5]</c>
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
        using var dir = new TempDirectory("brindle-ipam-bench");
        await using var etcd = backend == "etcd" ? await EtcdServer.StartAsync(cancellationToken: cancellationToken) : null;
        var runNumber = 0;
        Func<Task<Func<IKeyValueStore>>> open = backend switch
        {
            "memory" => () => { var s = new InMemoryKeyValueStore(); return Task.FromResult<Func<IKeyValueStore>>(() => new SharedKeyValueStore(s)); },
            // One SQLite file per run, one connection per allocator (as separate processes would have).
            "sqlite" => () => { var path = dir.Combine($"run{++runNumber}.db"); return Task.FromResult<Func<IKeyValueStore>>(() => SqliteKeyValueStore.Open(path)); },
            // One etcd, a fresh key prefix is not possible through the contract, so each run wipes /calico/ipam first.
            "etcd" => async () =>
            {
                var admin = await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [etcd!.Endpoint] }, cancellationToken);
                foreach (var kv in (await admin.ListAsync("/calico/ipam/", cancellationToken)).Items) await admin.DeleteAsync(kv.Key, 0, cancellationToken);
                await admin.DisposeAsync();
                return () => EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [etcd!.Endpoint] }, cancellationToken).GetAwaiter().GetResult();
            },
            _ => throw new ArgumentException($"--backend {backend}: use memory, sqlite or etcd."),
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

    private static async Task<(double Rate, double ConflictsPerAssignment)> RunOnceAsync(Func<Task<Func<IKeyValueStore>>> open, int allocators, int total, CancellationToken cancellationToken)
    {
        var connect = await open();
        var stores = Enumerable.Range(0, allocators).Select(_ => connect()).ToList();
        var nodes = Enumerable.Range(0, 4).ToDictionary(n => $"bench-node-{n}", _ => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>());
        var sources = new StaticIpamSources([Pool], [], nodes);
        var clients = Enumerable.Range(0, allocators)
            .Select(a => new IpamClient(stores[a], sources, sources, sources, (_, _) => true))
            .ToList();
        var perAllocator = total / allocators;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, allocators).Select(a => Task.Run(async () =>
        {
            for (var i = 0; i < perAllocator; i++)
                await clients[a].AutoAssignAsync(new AutoAssignRequest($"bench-node-{(a + i) % 4}", $"bench-{a}-{i}"), cancellationToken);
        }, cancellationToken)));
        clock.Stop();
        foreach (var store in stores) await store.DisposeAsync();
        var done = perAllocator * allocators;
        return (done / clock.Elapsed.TotalSeconds, clients.Sum(c => c.ConflictRetries) / (double)done);
    }
}
