using Brindle.Api;

namespace Brindle.Lab.Tests;

public sealed class LabManifestTests
{
    private static IReadOnlyList<Resource> Decode(LabOptions options)
    {
        var read = ResourceCodec.Read(LabManifest.Render(new LabLayout(options)), "lab");
        Assert.Empty(read.Errors);
        return [.. read.Documents.Select(d => d.Resource)];
    }

    [Fact]
    public void Render_Mesh_PoolMeshOnAndOneNodePerLabNode()
    {
        var resources = Decode(new LabOptions { Nodes = 4 });
        var pool = Assert.Single(resources.OfType<IPPool>());
        Assert.Equal("192.168.0.0/16", pool.Spec.Cidr.ToString());
        Assert.True(Assert.Single(resources.OfType<BGPConfiguration>()).Spec.NodeToNodeMeshEnabled);
        var nodes = resources.OfType<Node>().ToList();
        Assert.Equal(["node1", "node2", "node3", "node4"], nodes.Select(n => n.Name));
        Assert.Equal("172.31.0.14/24", nodes[3].Spec.Bgp?.IPv4Address);
        Assert.Empty(resources.OfType<BGPPeer>());
    }

    [Fact]
    public void Render_RouteReflector_MeshOffNode1ReflectsEveryonePeersWithIt()
    {
        var resources = Decode(new LabOptions { Bgp = LabBgpMode.RouteReflector });
        Assert.False(resources.OfType<BGPConfiguration>().Single().Spec.NodeToNodeMeshEnabled);
        var nodes = resources.OfType<Node>().ToList();
        Assert.Equal(LabLayout.RouteReflectorClusterId, nodes[0].Spec.Bgp?.RouteReflectorClusterId);
        Assert.All(nodes.Skip(1), n => Assert.Null(n.Spec.Bgp?.RouteReflectorClusterId));
        var peer = Assert.Single(resources.OfType<BGPPeer>());
        Assert.Equal("route-reflector == 'true'", peer.Spec.PeerSelector);
    }

    [Fact]
    public void Render_AsPerRack_DistinctAsAndGlobalPeerToTor()
    {
        var resources = Decode(new LabOptions { Bgp = LabBgpMode.AsPerRack, Underlay = System.Net.IPNetwork.Parse("10.9.0.0/24") });
        Assert.Equal([65001L, 65002L, 65003L], resources.OfType<Node>().Select(n => n.Spec.Bgp!.AsNumber!.Value));
        var peer = Assert.Single(resources.OfType<BGPPeer>());
        Assert.Equal("10.9.0.1", peer.Spec.PeerIP);
        Assert.Equal(LabLayout.TorAs, (uint)peer.Spec.AsNumber!.Value);
    }

    [Fact]
    public void Demo_IsValidV3WithSeedTenantAndNoFixedAddresses()
    {
        var read = ResourceCodec.Read(LabDemo.Manifest(), "demo.yaml");
        Assert.Empty(read.Errors);
        var endpoints = read.Documents.Select(d => d.Resource).OfType<WorkloadEndpoint>().ToList();
        Assert.Equal(["frontend1", "frontend2", "database", "guest"], endpoints.Select(e => e.Name));
        Assert.All(endpoints, e => Assert.Empty(e.Spec.IPNetworks));
        Assert.Equal(["profile-database"], endpoints.Single(e => e.Name == "database").Spec.Profiles);
        Assert.Single(read.Documents.Select(d => d.Resource).OfType<GlobalNetworkPolicy>());
        Assert.Single(read.Documents.Select(d => d.Resource).OfType<Profile>());
    }
}
