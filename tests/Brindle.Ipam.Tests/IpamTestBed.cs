using System.Net;
using Brindle.Datastore.Kv;
using Brindle.Ipam.Ports;
using Brindle.Policy;

namespace Brindle.Ipam.Tests;

/// <summary>An <see cref="IpamClient"/> over an in-memory store with fixed pools, reservations and nodes.</summary>
internal sealed class IpamTestBed
{
    public IpamTestBed(IReadOnlyList<IpamPool> pools, IReadOnlyList<IPNetwork>? reservations = null, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? nodes = null, IKeyValueStore? store = null)
    {
        Store = store ?? new InMemoryKeyValueStore();
        Sources = new StaticIpamSources(pools, reservations, nodes);
        Client = NewClient();
    }

    public IKeyValueStore Store { get; }

    public StaticIpamSources Sources { get; }

    public IpamClient Client { get; }

    public static IpamTestBed WithPool(string cidr, int blockSize = 0) => new([Pool(cidr, blockSize)]);

    public static IpamPool Pool(string cidr, int blockSize = 0, string selector = "", bool disabled = false, IReadOnlyList<string>? uses = null) =>
        new(IPNetwork.Parse(cidr), blockSize, selector, disabled, uses);

    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Nodes(params string[] names) =>
        names.ToDictionary(n => n, n => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["kubernetes.io/hostname"] = n });

    /// <summary>A second client on the same store (another allocator).</summary>
    public IpamClient NewClient() => new(Store, Sources, Sources, Sources, SelectorMatches);

    /// <summary>Pool node selectors evaluated by Brindle.Policy's selector engine (empty means all()).</summary>
    public static bool SelectorMatches(string selector, IReadOnlyDictionary<string, string> labels) =>
        Selector.Parse(string.IsNullOrWhiteSpace(selector) ? "all()" : selector).Matches(labels);

    public async Task<IReadOnlyList<AssignedAddress>> AssignAsync(string node, string handle, int num4 = 1, int num6 = 0) =>
        await Client.AutoAssignAsync(new AutoAssignRequest(node, handle, num4, num6));
}
