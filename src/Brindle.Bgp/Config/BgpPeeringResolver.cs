using System.Net;
using System.Net.Sockets;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Config;

/// <summary>
/// Works out this node's BGP sessions for one address family: the node-to-node mesh, global BGPPeers, and
/// per-node BGPPeers (by node name, node selector and peer selector), with route-reflector and next-hop settings.
/// </summary>
/// <remarks>
/// Follows Calico's confd rules:
/// <list type="bullet">
/// <item>A route reflector (node with a cluster ID) ignores the mesh; mesh members skip route reflectors.</item>
/// <item>Mesh sessions are one-directional: the node with the higher address connects, the lower one is passive
/// (avoids a graceful-restart race when both open a connection at once).</item>
/// <item>A selector peering is symmetric: a node selected by <c>peerSelector</c> also peers with every node
/// selected by <c>nodeSelector</c>, so reflectors get sessions to their clients.</item>
/// <item><c>rr client</c> is set when this node is a reflector, the peer is in the same AS and the peer is not in
/// the same reflector cluster.</item>
/// </list>
/// Output is ordered by peer type, then address, then port; duplicates (same protocol name) keep the first.
/// Invariant: pure; depends only on the input.
/// </remarks>
public static class BgpPeeringResolver
{
    public static IReadOnlyList<BirdPeer> Resolve(BgpInput input, AddressFamily family)
    {
        var self = input.Node;
        var local = AddressOf(self, family);
        if (local is null) return [];
        var localAs = LocalAs(input);

        var peers = new List<BirdPeer>();
        peers.AddRange(MeshPeers(input, family, local, localAs));
        foreach (var peer in input.Peers.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            peers.AddRange(ExplicitPeers(input, peer, family, local, localAs));
        }

        return peers
            .DistinctBy(p => p.ProtocolName)
            .OrderBy(p => p.Type)
            .ThenBy(p => p.Address, AddressComparer.Instance)
            .ThenBy(p => p.Port ?? 0)
            .ToList();
    }

    public static uint LocalAs(BgpInput input) => input.Node.AsNumber ?? input.Settings.AsNumber;

    public static IPAddress? AddressOf(BgpNodeInput node, AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? node.IPv6Address : node.IPv4Address;

    private static IEnumerable<BirdPeer> MeshPeers(BgpInput input, AddressFamily family, IPAddress local, uint localAs)
    {
        var settings = input.Settings;
        if (!settings.NodeToNodeMeshEnabled || input.Node.IsRouteReflector) yield break;
        foreach (var other in input.AllNodes)
        {
            var address = AddressOf(other, family);
            if (address is null || IsSelf(input.Node, other, address, local) || other.IsRouteReflector) continue;
            yield return new BirdPeer(
                BirdProtocolNames.ForPeer(BgpPeerType.NodeToNodeMesh, address, null),
                BgpPeerType.NodeToNodeMesh,
                address,
                settings.ListenPort,
                other.AsNumber ?? settings.AsNumber,
                Passive: AddressComparer.Instance.Compare(address, local) > 0,
                RouteReflectorClusterId: null,
                settings.MeshPassword,
                BgpNextHopMode.Auto,
                settings.GracefulRestart ? settings.MeshRestartTimeSeconds : null,
                AcceptDefaultRoute: false,
                Origin: $"node {other.Name}");
        }
    }

    private static IEnumerable<BirdPeer> ExplicitPeers(BgpInput input, BgpPeerInput peer, AddressFamily family, IPAddress local, uint localAs)
    {
        var type = peer.IsGlobal && peer.PeerSelector is null ? BgpPeerType.Global : BgpPeerType.NodeSpecific;
        var targets = new List<(IPAddress Address, int? Port, uint As, string? ClusterId, string Origin)>();

        if (AppliesTo(input, peer, input.Node))
        {
            if (peer.PeerSelector is { } peerSelector)
            {
                foreach (var other in input.AllNodes.Where(n => input.SelectorMatcher(peerSelector, n.Labels)))
                {
                    if (AddressOf(other, family) is { } a)
                        targets.Add((a, input.Settings.ListenPort, other.AsNumber ?? input.Settings.AsNumber, other.RouteReflectorClusterId, $"BGPPeer {peer.Name}, node {other.Name}"));
                }
            }
            else if (peer.PeerIP is { } ip && ip.AddressFamily == family)
            {
                targets.Add((ip, peer.PeerPort, peer.AsNumber ?? input.Settings.AsNumber, null, $"BGPPeer {peer.Name}"));
            }
        }

        // The reverse side of a selector peering: nodes chosen by peerSelector peer back with the selected nodes.
        if (peer.PeerSelector is { } reverseSelector && input.SelectorMatcher(reverseSelector, input.Node.Labels))
        {
            foreach (var other in input.AllNodes.Where(n => AppliesTo(input, peer, n)))
            {
                if (AddressOf(other, family) is { } a)
                    targets.Add((a, input.Settings.ListenPort, other.AsNumber ?? input.Settings.AsNumber, other.RouteReflectorClusterId, $"BGPPeer {peer.Name}, node {other.Name}"));
            }
        }

        foreach (var (address, port, asNumber, peerClusterId, origin) in targets)
        {
            if (address.Equals(local)) continue;
            var clusterId = input.Node.RouteReflectorClusterId;
            var reflect = asNumber == localAs && !string.IsNullOrEmpty(clusterId) && !string.Equals(peerClusterId, clusterId, StringComparison.Ordinal);
            yield return new BirdPeer(
                BirdProtocolNames.ForPeer(type, address, peer.PeerPort),
                type,
                address,
                port,
                asNumber,
                Passive: false,
                reflect ? clusterId : null,
                peer.Password,
                peer.NextHopMode,
                peer.MaxRestartTimeSeconds ?? (input.Settings.GracefulRestart ? BgpSettings.DefaultRestartTimeSeconds : null),
                peer.AcceptDefaultRoute,
                origin);
        }
    }

    private static bool AppliesTo(BgpInput input, BgpPeerInput peer, BgpNodeInput node)
    {
        if (peer.Node is { } name) return string.Equals(name, node.Name, StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(peer.NodeSelector)) return input.SelectorMatcher(peer.NodeSelector, node.Labels);
        return true; // global
    }

    private static bool IsSelf(BgpNodeInput self, BgpNodeInput other, IPAddress address, IPAddress local) =>
        string.Equals(self.Name, other.Name, StringComparison.Ordinal) || address.Equals(local);
}
