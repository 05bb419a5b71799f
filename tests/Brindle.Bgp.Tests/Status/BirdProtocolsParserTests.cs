using System.Net;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Status.Tests;

public sealed class BirdProtocolsParserTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Status", "Samples", name));

    [Fact]
    public void Parse_RealBadPeerAsOutput_OnlyBgpProtocolWithDetails()
    {
        var status = Assert.Single(BirdProtocolsParser.Parse(Sample("show-protocols-all-bad-peer-as.txt")));

        Assert.Equal("Mesh_192_0_2_2", status.ProtocolName);
        Assert.Equal(IPAddress.Parse("192.0.2.2"), status.PeerAddress);
        Assert.Equal(BgpPeerType.NodeToNodeMesh, status.Type);
        Assert.Equal("start", status.State);
        Assert.Equal("Idle", status.BgpState);
        Assert.Equal("2026-11-30 11:45:22", status.Since);
        Assert.Equal("Idle BGP Error: Bad peer AS", status.Info);
        Assert.Equal("BGP Error: Bad peer AS", status.LastError);
        Assert.Equal(64999u, status.NeighborAs);
        Assert.Equal(64512u, status.LocalAs);
        Assert.False(status.IsEstablished);
    }

    [Fact]
    public void Parse_PlainShowProtocols_TypesAndAddressesFromNames()
    {
        const string output = """
            BIRD 2.0.12 ready.
            Name       Proto      Table      State  Since         Info
            device1    Device     ---        up     11:37:39.373
            Mesh_192_0_2_2 BGP        ---        up     11:37:41.002  Established
            Global_198_51_100_1_port_1790 BGP        ---        start  11:37:39.373  Active        Socket: Connection refused
            Node_2001_db8__1 BGP        ---        start  11:37:39.373  Connect
            other_bgp  BGP        ---        up     11:37:39.373  Established
            """;

        var peers = BirdProtocolsParser.Parse(output);

        Assert.Equal(["Mesh_192_0_2_2", "Global_198_51_100_1_port_1790", "Node_2001_db8__1"], peers.Select(p => p.ProtocolName));
        Assert.Equal([BgpPeerType.NodeToNodeMesh, BgpPeerType.Global, BgpPeerType.NodeSpecific], peers.Select(p => p.Type));
        Assert.Equal(IPAddress.Parse("198.51.100.1"), peers[1].PeerAddress);
        Assert.Null(peers[2].PeerAddress);
        Assert.True(peers[0].IsEstablished);
        Assert.Equal("Active", peers[1].BgpState);
        Assert.Equal("Active Socket: Connection refused", peers[1].Info);
        Assert.Equal("11:37:41.002", peers[0].Since);
    }

    [Fact]
    public void Parse_Empty_NoPeers() => Assert.Empty(BirdProtocolsParser.Parse(""));
}
