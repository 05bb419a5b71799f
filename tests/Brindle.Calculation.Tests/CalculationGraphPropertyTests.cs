using Brindle.Api;
using CsCheck;

namespace Brindle.Calculation.Tests;

/// <summary>
/// Output is a function of current state: the same final datastore contents reached through any interleaving of updates
/// (with intermediate versions, deletes and re-adds, one update at a time or in batches) give the same final dataplane,
/// and every intermediate message respects the contract (the model throws otherwise).
/// </summary>
public sealed class CalculationGraphPropertyTests
{
    /// <summary>Per key, the versions a resource can take; the generator picks intermediates and a final one (null = absent).</summary>
    private static readonly Resource[][] Universe =
    [
        [R.Ns("a", "env=prod"), R.Ns("a", "env=dev")],
        [R.Ns("b", "env=dev"), R.Ns("b", "env=prod,team=x")],
        [R.Tier("security", 10), R.Tier("security", 2000, Api.TierDefaultAction.Pass)],
        [R.Profile("shared", ingress: [R.Allow(srcSelector: "role == 'db'")], labels: "team=blue"), R.Profile("shared", labels: "team=red")],
        [R.Wep("a", "web1", "10.0.0.1", labels: "app=web,role=fe", profiles: "shared"), R.Wep("a", "web1", "10.0.0.11", labels: "app=web")],
        [R.Wep("a", "web2", "10.0.0.2", labels: "app=web"), R.Wep("a", "web2", "10.0.0.2", node: "node2", labels: "app=web")],
        [R.Wep("b", "db1", "10.0.0.3", labels: "role=db"), R.Wep("b", "db1", "10.0.0.3", labels: "role=cache")],
        [R.Wep("b", "db2", "10.0.1.3", node: "node2", labels: "role=db"), R.Wep("b", "db2", "10.0.1.4", node: "node2", labels: "role=db,app=web")],
        [R.Wep("a", "remote", "10.0.1.1", node: "node3", labels: "role=fe", profiles: "shared")],
        // Label classes and shared addresses: web2's labels and address, then remote's labels, profile and address.
        [R.Wep("a", "web3", "10.0.0.2", node: "node3", labels: "app=web"), R.Wep("a", "web3", "10.0.1.1", node: "node3", labels: "role=fe", profiles: "shared")],
        [R.Wep("b", "db3", "10.0.1.3", node: "node3", labels: "role=db"), R.Wep("b", "db3", "10.0.0.3", node: "node2", labels: "role=db,app=web")],
        [R.Hep("host1", "192.0.2.1", labels: "role=host"), R.Hep("host1", "192.0.2.2", labels: "role=host,team=blue")],
        [R.Gns("ext", "kind=ext", "198.51.100.0/24"), R.Gns("ext", "kind=ext,role=db", "198.51.100.0/25")],
        [R.NetSet("b", "inner", "role=db", "203.0.113.0/24")],
        [
            R.Gnp("allow-fe", "app == 'web'", order: 10, ingress: [R.Allow(srcSelector: "role == 'fe'")], egress: [R.Allow(dstSelector: "role == 'db'")]),
            R.Gnp("allow-fe", "app == 'web' || role == 'db'", order: 20, ingress: [R.Allow(srcNamespaceSelector: "env == 'prod'")]),
        ],
        [
            R.Gnp("sec", "all()", order: 1, tier: "security", ingress: [R.Deny(srcSelector: "kind == 'ext'")]),
            R.Gnp("sec", "role == 'host'", tier: "security", ingress: [R.Allow(srcSelector: "team == 'blue'")]),
        ],
        [
            R.Np("b", "db-policy", "role == 'db'", ingress: [R.Allow(srcSelector: "app == 'web'"), R.Allow(srcNotSelector: "role == 'fe'")]),
            R.Np("b", "db-policy", "all()", order: 5, ingress: [R.Allow(srcSelector: "role == 'db'", srcNamespaceSelector: "global()")]),
        ],
        [R.Np("a", "team", "team == 'blue'", egress: [R.Allow(dstSelector: "team == 'red'")])],
        [R.Pool("pool", "10.0.0.0/16", nat: true), R.Pool("pool", "10.0.0.0/16", nat: false)],
        [new FelixConfiguration { Metadata = new() { Name = "default" }, Spec = new() { LogPrefix = "x" } }],
    ];

    private static readonly Gen<(int Seed, int[] Finals)> Cases =
        Gen.Select(Gen.Int, Gen.Int[0, 2].Array[Universe.Length]);

    [Fact]
    public void OnUpdate_AnyOrderWithIntermediateDeletes_ConvergesToTheSameDataplane()
    {
        Cases.Sample(c =>
        {
            var finals = Finals(c.Finals);
            var expected = Reference(finals);
            var sequence = Sequence(new Random(c.Seed), finals);

            var oneByOne = new Scenario();
            foreach (var update in sequence) oneByOne.Graph.OnUpdate(update);
            Assert.Equal(expected, oneByOne.Model.Dump());

            var batched = new Scenario();
            var random = new Random(c.Seed ^ 0x5eed);
            for (var i = 0; i < sequence.Count;)
            {
                var size = random.Next(1, 8);
                batched.Graph.OnUpdates(sequence.Skip(i).Take(size));
                i += size;
            }
            Assert.Equal(expected, batched.Model.Dump());
        }, iter: 300);
    }

    [Fact]
    public void OnUpdate_DeletingEverything_LeavesAnEmptyDataplane()
    {
        Gen.Int.Sample(seed =>
        {
            var finals = Finals([.. Enumerable.Repeat(2, Universe.Length)]);
            var all = Universe.Select(v => v[^1]).ToList();
            var random = new Random(seed);
            var s = new Scenario();
            foreach (var resource in all.OrderBy(_ => random.Next())) s.Put(resource);
            Assert.NotEmpty(s.Model.Workloads);
            foreach (var resource in all.OrderBy(_ => random.Next())) s.Delete(resource);
            Assert.Empty(s.Model.IPSets);
            Assert.Empty(s.Model.Policies);
            Assert.Empty(s.Model.Profiles);
            Assert.Empty(s.Model.Workloads);
            Assert.Empty(s.Model.Hosts);
            Assert.Empty(s.Model.Routes);
            Assert.Empty(s.Model.Pools);
            Assert.Equal(0, s.Graph.LabelSetCount);
            Assert.Equal(Reference(finals), s.Model.Dump());
        }, iter: 50);
    }

    /// <summary>Final value per key: version 0, version 1 (when there is one) or absent (2).</summary>
    private static List<(string Key, Resource? Value)> Finals(int[] choices) =>
        [.. Universe.Select((versions, i) => (versions[0].Key, choices[i] < versions.Length && choices[i] < 2 ? versions[choices[i]] : (Resource?)null))];

    /// <summary>The final state fed once, in apply-dependency order, to a fresh graph.</summary>
    private static string Reference(List<(string Key, Resource? Value)> finals)
    {
        var s = new Scenario();
        var present = finals.Where(f => f.Value is not null).Select(f => f.Value!)
            .OrderBy(r => ResourceKinds.All.ToList().IndexOf(r.ResourceKind));
        s.Graph.OnUpdates(present.Select(ResourceUpdate.Of));
        return s.Model.Dump();
    }

    /// <summary>Per key: 0-3 random intermediate versions or deletes, then the final value; keys interleaved at random.</summary>
    private static List<ResourceUpdate> Sequence(Random random, List<(string Key, Resource? Value)> finals)
    {
        var perKey = new List<Queue<ResourceUpdate>>();
        for (var i = 0; i < finals.Count; i++)
        {
            var versions = Universe[i];
            var queue = new Queue<ResourceUpdate>();
            for (var n = random.Next(0, 4); n > 0; n--)
            {
                var pick = random.Next(0, versions.Length + 1);
                queue.Enqueue(new ResourceUpdate(finals[i].Key, pick < versions.Length ? versions[pick] : null));
            }
            queue.Enqueue(new ResourceUpdate(finals[i].Key, finals[i].Value));
            perKey.Add(queue);
        }
        var sequence = new List<ResourceUpdate>();
        while (perKey.Count > 0)
        {
            var index = random.Next(perKey.Count);
            sequence.Add(perKey[index].Dequeue());
            if (perKey[index].Count == 0) perKey.RemoveAt(index);
        }
        return sequence;
    }
}
