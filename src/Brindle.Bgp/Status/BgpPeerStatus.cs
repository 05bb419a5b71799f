using System.Net;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Status;

/// <summary>One BGP session as BIRD reports it (<c>birdc show protocols all</c>).</summary>
/// <param name="State">BIRD's protocol state: <c>up</c>, <c>start</c>, <c>down</c>, …</param>
/// <param name="BgpState">BGP FSM state: <c>Established</c>, <c>Active</c>, <c>Connect</c>, <c>Passive</c>, <c>Idle</c>, …</param>
/// <param name="Info">BIRD's info column, e.g. <c>Established</c> or <c>Active Socket: Connection refused</c>.</param>
/// <param name="LastError">BIRD's <c>Last error:</c> line, if any.</param>
public sealed record BgpPeerStatus(
    string ProtocolName,
    IPAddress? PeerAddress,
    BgpPeerType Type,
    string State,
    string BgpState,
    string Since,
    string Info,
    string? LastError,
    uint? NeighborAs,
    uint? LocalAs)
{
    public bool IsEstablished => string.Equals(BgpState, "Established", StringComparison.Ordinal);
}
