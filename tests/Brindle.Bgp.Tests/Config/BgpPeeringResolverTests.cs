using System.Net;
using System.Net.Sockets;
using Brindle.Bgp.Model;
using static Brindle.Bgp.Tests.BgpScenarios;

namespace Brindle.Bgp.Config.Tests;

public sealed class BgpPeeringResolverTests
{
    private static IReadOnlyList<BirdPeer> Resolve(BgpInput input) => BgpPeeringResolver.Resolve(input, AddressFamily.InterNetwork);

    [Fact]
    public void Resolve_FullMesh_EveryOtherNodeOnceLowerAddressConnects()
    {
        var nodes = ThreeNodes();
        var middle = Resolve(For(nodes[1], nodes));

        Assert.Equal(["Mesh_192_0_2_1", "Mesh_192_0_2_3"], middle.Select(p => p.ProtocolName));
        Assert.False(middle[0].Passive); // we have the higher address, so we connect
        Assert.True(middle[1].Passive);  // node-c has the higher address and connects to us
    }

    [Fact]
    public void Resolve_MeshDirection_ExactlyOneSidePassivePerPair()
    {
        var nodes = ThreeNodes();
        var passive = nodes.SelectMany(n => Resolve(For(n, nodes)).Select(p => (From: n.IPv4Address!.ToString(), To: p.Address.ToString(), p.Passive))).ToList();
        foreach (var (from, to, isPassive) in passive)
            Assert.NotEqual(isPassive, passive.Single(x => x.From == to && x.To == from).Passive);
    }

    [Fact]
    public void Resolve_MeshDisabled_NoMeshPeers() =>
        Assert.Empty(Resolve(For(ThreeNodes()[0], ThreeNodes(), MeshOff)));

    [Fact]
    public void Resolve_ReflectorWithMeshOn_ReflectorSkipsMeshAndMeshSkipsReflector()
    {
        var nodes = ReflectorNodes(1);
        var client = Resolve(For(nodes[0], nodes, peers: ReflectorPeers()));
        var reflector = Resolve(For(nodes[3], nodes, peers: ReflectorPeers()));

        Assert.DoesNotContain(client, p => p.Type == BgpPeerType.NodeToNodeMesh && p.Address.Equals(IPAddress.Parse("192.0.2.101")));
        Assert.Contains(client, p => p.ProtocolName == "Node_192_0_2_101" && p.RouteReflectorClusterId is null);
        Assert.DoesNotContain(reflector, p => p.Type == BgpPeerType.NodeToNodeMesh);
        Assert.Equal(3, reflector.Count(p => p.RouteReflectorClusterId == "224.0.0.1"));
    }

    [Fact]
    public void Resolve_TwoReflectorsSameCluster_NoRrClientBetweenThem()
    {
        var nodes = ReflectorNodes(2);
        var rr1 = Resolve(For(nodes[3], nodes, MeshOff, ReflectorPeers()));

        var toOther = Assert.Single(rr1, p => p.Address.Equals(IPAddress.Parse("192.0.2.102")));
        Assert.Null(toOther.RouteReflectorClusterId);
        Assert.Equal(2, Resolve(For(nodes[0], nodes, MeshOff, ReflectorPeers())).Count);
    }

    [Fact]
    public void Resolve_NodeSelectorPeer_OnlySelectedNodes()
    {
        var nodes = RackNodes();
        var rack1 = Resolve(For(nodes[0], nodes, MeshOff, TorPeers()));
        var rack2 = Resolve(For(nodes[2], nodes, MeshOff, TorPeers()));

        Assert.Equal(["Node_192_0_2_250"], rack1.Select(p => p.ProtocolName));
        Assert.Equal(["Node_192_0_2_251"], rack2.Select(p => p.ProtocolName));
        Assert.Equal(65002u, rack2[0].AsNumber);
    }

    [Fact]
    public void Resolve_GlobalPeerWithPortAndSelfAddress_NamedWithPortAndSelfSkipped()
    {
        var nodes = ThreeNodes();
        var peers = new[]
        {
            new BgpPeerInput("tor") { PeerIP = IPAddress.Parse("198.51.100.1"), PeerPort = 1790, AsNumber = 65000 },
            new BgpPeerInput("me") { PeerIP = IPAddress.Parse("192.0.2.1"), AsNumber = 64512 },
        };
        var resolved = Resolve(For(nodes[0], nodes, MeshOff, peers));

        var tor = Assert.Single(resolved);
        Assert.Equal("Global_198_51_100_1_port_1790", tor.ProtocolName);
        Assert.Equal(BgpPeerType.Global, tor.Type);
    }

    [Fact]
    public void Resolve_PerNodeAs_MeshUsesPeerAs()
    {
        var nodes = new[] { BgpNodeInput.Of("a", "192.0.2.1", 65001), BgpNodeInput.Of("b", "192.0.2.2", 65002) };
        Assert.Equal(65002u, Assert.Single(Resolve(For(nodes[0], nodes))).AsNumber);
        Assert.Equal(65001u, BgpPeeringResolver.LocalAs(For(nodes[0], nodes)));
    }
}
