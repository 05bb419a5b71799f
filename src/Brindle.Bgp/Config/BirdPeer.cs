using System.Net;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Config;

/// <summary>One BGP session of this node, fully resolved: what a <c>protocol bgp</c> block says.</summary>
/// <param name="ProtocolName">BIRD protocol name; its prefix encodes <see cref="Type"/> (see <see cref="BirdProtocolNames"/>).</param>
/// <param name="Passive">Wait for the peer to connect (mesh sessions are made one-directional, as in Calico).</param>
/// <param name="RouteReflectorClusterId">Set when this node reflects routes to the peer (<c>rr client</c>).</param>
/// <param name="RestartTimeSeconds">Graceful-restart time; null leaves graceful restart at BIRD's settings.</param>
public sealed record BirdPeer(
    string ProtocolName,
    BgpPeerType Type,
    IPAddress Address,
    int? Port,
    uint AsNumber,
    bool Passive,
    string? RouteReflectorClusterId,
    string? Password,
    BgpNextHopMode NextHopMode,
    int? RestartTimeSeconds,
    bool AcceptDefaultRoute,
    string Origin);
