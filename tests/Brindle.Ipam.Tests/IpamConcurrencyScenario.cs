using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Brindle.Datastore.Kv;
using Brindle.Ipam.Ports;

namespace Brindle.Ipam.Tests;

/// <summary>
/// The stress scenario, reusable on any backend: <c>allocators</c> concurrent IPAM clients (each on its own store
/// connection from <c>storeFactory</c>; two allocators per node so they contend for the same blocks) each assign
/// <c>perAllocator</c> single addresses from one pool of small blocks. Then: every address distinct, <c>ShowAsync</c> and
/// <c>CheckAsync</c> agree and are clean; after every handle is released, <c>CheckAsync</c> is clean and nothing is allocated.
/// </summary>
public static class IpamConcurrencyScenario
{
    /// <summary>/20 of /27 blocks: 128 blocks of 32; 4 nodes × ≤20 blocks × 32 = 2,560 ≥ 2,000, so the per-host limit is never hit.</summary>
    public static readonly IpamPool Pool = new(IPNetwork.Parse("10.64.0.0/20"), 27);

    public const int Nodes = 4;

    public static string NodeOf(int allocator) => $"stress-node-{allocator % Nodes}";

    public static string HandleOf(int allocator, int index) => $"stress-{allocator}-{index}";

    public static StaticIpamSources Sources { get; } =
        new([Pool], [], Enumerable.Range(0, Nodes).ToDictionary(n => NodeOf(n), _ => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>()));

    public static IpamClient NewClient(IKeyValueStore store) => new(store, Sources, Sources, Sources, IpamTestBed.SelectorMatches);

    public static async Task<IpamConcurrencyResult> RunAsync(Func<IKeyValueStore> storeFactory, int allocators = 8, int perAllocator = 250)
    {
        var stores = Enumerable.Range(0, allocators).Select(_ => storeFactory()).ToList();
        try
        {
            var clients = stores.Select(NewClient).ToList();
            var assigned = new ConcurrentBag<IPAddress>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, allocators).Select(a => Task.Run(async () =>
            {
                for (var i = 0; i < perAllocator; i++)
                {
                    var ips = await clients[a].AutoAssignAsync(new AutoAssignRequest(NodeOf(a), HandleOf(a, i)));
                    foreach (var ip in ips) assigned.Add(ip.Address);
                }
            })));
            var assignElapsed = clock.Elapsed;
            var total = allocators * perAllocator;

            Assert.Equal(total, assigned.Count);
            Assert.Equal(total, assigned.Distinct().Count());
            var show = await clients[0].ShowAsync();
            var check = await clients[0].CheckAsync(assigned.ToDictionary(ip => ip, _ => "endpoint"));
            Assert.True(check.IsClean, $"check after assignment: {Describe(check)}");
            Assert.Equal(total, show.AllocatedTotal);
            Assert.Equal(total, check.AllocatedAddresses);
            Assert.Equal(total, check.HandleCount);
            Assert.Equal(total, check.HandleAddresses);
            Assert.Equal(show.Blocks.Count, check.BlockCount);
            Assert.All(show.Blocks, b => Assert.True(b.AffinityNode is not null && Pool.Cidr.Contains(b.Cidr.BaseAddress)));

            clock.Restart();
            await Task.WhenAll(Enumerable.Range(0, allocators).Select(a => Task.Run(async () =>
            {
                for (var i = 0; i < perAllocator; i++) await clients[a].ReleaseByHandleAsync(HandleOf(a, i));
            })));
            var releaseElapsed = clock.Elapsed;

            var after = await clients[0].CheckAsync(new Dictionary<IPAddress, string>());
            Assert.True(after.IsClean, $"check after release: {Describe(after)}");
            Assert.Equal(0, after.AllocatedAddresses);
            Assert.Equal(0, after.HandleCount);
            Assert.Equal(0, (await clients[0].ShowAsync()).AllocatedTotal);
            return new IpamConcurrencyResult(total, assignElapsed, releaseElapsed, clients.Sum(c => c.ConflictRetries), show.Blocks.Count);
        }
        finally
        {
            foreach (var store in stores.Distinct()) await store.DisposeAsync();
        }
    }

    private static string Describe(Reports.IpamCheckReport r) =>
        $"leaks {r.LeakedAddresses.Count}, missing {r.MissingAllocations.Count}, handles {r.HandleProblems.Count}, affinities {r.AffinityProblems.Count}, blocks {r.BlockProblems.Count}";
}

/// <summary>Figures of one scenario run.</summary>
public sealed record IpamConcurrencyResult(int Addresses, TimeSpan AssignElapsed, TimeSpan ReleaseElapsed, long ConflictRetries, int Blocks);
