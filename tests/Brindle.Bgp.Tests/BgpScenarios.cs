using System.Net;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Tests;

/// <summary>The seed topologies as <see cref="BgpInput"/>s, shared by golden-file and namespace tests.</summary>
internal static class BgpScenarios
{
    public static readonly IPNetwork Pool = IPNetwork.Parse("10.65.0.0/16");

    /// <summary>Test selector matcher: <c>all()</c>, empty, or <c>key == 'value'</c>.</summary>
    public static bool Match(string selector, IReadOnlyDictionary<string, string> labels)
    {
        var s = selector.Trim();
        if (s is "" or "all()") return true;
        var parts = s.Split("==", 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2) throw new ArgumentException($"test matcher does not understand '{selector}'");
        return labels.TryGetValue(parts[0], out var v) && v == parts[1].Trim('\'', '"');
    }

    public static Dictionary<string, string> Labels(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    public static IReadOnlyList<BgpNodeInput> ThreeNodes(uint? asNumber = null) =>
    [
        BgpNodeInput.Of("node-a", "192.0.2.1", asNumber),
        BgpNodeInput.Of("node-b", "192.0.2.2", asNumber),
        BgpNodeInput.Of("node-c", "192.0.2.3", asNumber),
    ];

    public static BgpInput For(BgpNodeInput node, IReadOnlyList<BgpNodeInput> all, BgpSettings? settings = null, IReadOnlyList<BgpPeerInput>? peers = null, IReadOnlyList<BgpPoolInput>? pools = null, params string[] blocks) =>
        new(node, all, settings ?? new BgpSettings(), peers ?? [], pools ?? [new BgpPoolInput(Pool)],
            blocks.Length > 0 ? blocks.Select(IPNetwork.Parse).ToList() : [BlockFor(node, all)], [])
        { SelectorMatcher = Match };

    /// <summary>Node i (0-based in <paramref name="all"/>) owns 10.65.i.0/26.</summary>
    public static IPNetwork BlockFor(BgpNodeInput node, IReadOnlyList<BgpNodeInput> all) =>
        IPNetwork.Parse($"10.65.{all.ToList().FindIndex(n => n.Name == node.Name)}.0/26");

    public static BgpInput FullMesh() => For(ThreeNodes()[0], ThreeNodes()) with
    {
        BorrowedAddresses = [IPNetwork.Parse("10.65.2.7/32")],
    };

    public static IReadOnlyList<BgpNodeInput> ReflectorNodes(int reflectors) =>
    [
        .. Enumerable.Range(1, 3).Select(i => BgpNodeInput.Of($"node-{i}", $"192.0.2.{i}")),
        .. Enumerable.Range(1, reflectors).Select(i => BgpNodeInput.Of($"rr-{i}", $"192.0.2.{100 + i}", clusterId: "224.0.0.1", labels: Labels(("route-reflector", "true")))),
    ];

    public static IReadOnlyList<BgpPeerInput> ReflectorPeers() =>
        [new BgpPeerInput("peer-with-route-reflectors") { NodeSelector = "all()", PeerSelector = "route-reflector == 'true'" }];

    public static BgpSettings MeshOff => new() { NodeToNodeMeshEnabled = false };

    /// <summary>Rack 1 = AS 65001; hosts peer only with their ToR (same AS, the ToR reflects).</summary>
    public static IReadOnlyList<BgpNodeInput> RackNodes() =>
    [
        BgpNodeInput.Of("rack1-host1", "192.0.2.11", 65001, labels: Labels(("rack", "rack1"))),
        BgpNodeInput.Of("rack1-host2", "192.0.2.12", 65001, labels: Labels(("rack", "rack1"))),
        BgpNodeInput.Of("rack2-host1", "192.0.2.21", 65002, labels: Labels(("rack", "rack2"))),
    ];

    public static IReadOnlyList<BgpPeerInput> TorPeers(bool downwardDefault = false) =>
    [
        new BgpPeerInput("rack1-tor") { NodeSelector = "rack == 'rack1'", PeerIP = IPAddress.Parse("192.0.2.250"), AsNumber = 65001, AcceptDefaultRoute = downwardDefault },
        new BgpPeerInput("rack2-tor") { NodeSelector = "rack == 'rack2'", PeerIP = IPAddress.Parse("192.0.2.251"), AsNumber = 65002, AcceptDefaultRoute = downwardDefault },
    ];
}
