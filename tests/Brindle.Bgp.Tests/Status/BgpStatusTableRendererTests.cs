using System.Net;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Status.Tests;

public sealed class BgpStatusTableRendererTests
{
    [Fact]
    public void Render_MixedPeers_CalicoctlTableSortedWithReasons()
    {
        var peers = new[]
        {
            new BgpPeerStatus("Global_198_51_100_1", IPAddress.Parse("198.51.100.1"), BgpPeerType.Global, "start", "Active", "2026-01-01 10:00:00", "Active Socket: Connection refused", null, 65000, 64512),
            new BgpPeerStatus("Mesh_192_0_2_3", IPAddress.Parse("192.0.2.3"), BgpPeerType.NodeToNodeMesh, "up", "Established", "2026-01-01 09:00:00", "Established", null, 64512, 64512),
            new BgpPeerStatus("Node_192_0_2_250", IPAddress.Parse("192.0.2.250"), BgpPeerType.NodeSpecific, "up", "Established", "2026-01-01 09:30:00", "Established", null, 65001, 64512),
        };

        var table = BgpStatusTableRenderer.Render(peers);

        Assert.Equal("""
            IPv4/IPv6 BGP status
            +--------------+-------------------+-------+---------------------+-----------------------------------+
            | PEER ADDRESS | PEER TYPE         | STATE | SINCE               | INFO                              |
            +--------------+-------------------+-------+---------------------+-----------------------------------+
            | 192.0.2.3    | node-to-node mesh | up    | 2026-01-01 09:00:00 | Established                       |
            | 198.51.100.1 | global            | start | 2026-01-01 10:00:00 | Active Socket: Connection refused |
            | 192.0.2.250  | node specific     | up    | 2026-01-01 09:30:00 | Established                       |
            +--------------+-------------------+-------+---------------------+-----------------------------------+

            198.51.100.1: Peer not listening: 198.51.100.1 refused the TCP connection to port 179. BIRD is not running there, or it listens on another port, or it has no session configured for us.

            """.ReplaceLineEndings("\n"), table);
    }

    [Fact]
    public void Render_NoPeers_HeaderOnly() =>
        Assert.Equal(6, BgpStatusTableRenderer.Render([]).Split('\n').Length);
}
