using System.Net;
using Brindle.Api;
using Brindle.Bgp.Config;
using Brindle.Bgp.Model;
using Brindle.Bgp.Tests;

namespace Brindle.Bgp.Mapping.Tests;

public sealed class BgpInputMapperTests
{
    private static Node Node(string name, string? ipv4, long? asNumber = null, string? clusterId = null, params (string, string)[] labels) => new()
    {
        Metadata = new ObjectMetadata { Name = name, Labels = EquatableMap.Create(labels) },
        Spec = new NodeSpec { Bgp = ipv4 is null ? null : new NodeBgpSpec { IPv4Address = ipv4, AsNumber = asNumber, RouteReflectorClusterId = clusterId } },
    };

    private static BGPConfiguration Config(string name, BGPConfigurationSpec spec) => new() { Metadata = new ObjectMetadata { Name = name }, Spec = spec };

    private static BGPPeer Peer(string name, BGPPeerSpec spec) => new() { Metadata = new ObjectMetadata { Name = name }, Spec = spec };

    private static IPPool Pool(string name, string cidr, bool disableExport = false) =>
        new() { Metadata = new ObjectMetadata { Name = name }, Spec = new IPPoolSpec { Cidr = Cidr.Parse(cidr), DisableBgpExport = disableExport } };

    private static readonly IReadOnlyList<IPNetwork> Blocks = [IPNetwork.Parse("10.65.0.0/26")];

    private static BgpMapResult Map(BgpResources resources, string node = "node-a") =>
        BgpInputMapper.Map(node, resources, Blocks, [], r => r.Name == "bgp-secrets" && r.Key == "tor" ? "tor-secret" : null, BgpScenarios.Match);

    [Fact]
    public void Map_CalicoResources_RendersLikeHandBuiltInput()
    {
        var resources = new BgpResources(
            [Node("node-a", "192.0.2.1/24"), Node("node-b", "192.0.2.2/24"), Node("node-c", "192.0.2.3/24"), Node("no-bgp", null)],
            [Config("default", new BGPConfigurationSpec { AsNumber = 64512, NodeMeshMaxRestartTime = "2m" })],
            [Peer("tor", new BGPPeerSpec { PeerIP = "192.0.2.250:1790", AsNumber = 65000, KeepOriginalNextHop = true, Password = new BgpPassword { SecretKeyRef = new SecretKeyReference { Name = "bgp-secrets", Key = "tor" } } })],
            [Pool("default-pool", "10.65.0.0/16"), Pool("no-export", "10.70.0.0/16", disableExport: true)]);

        var result = Map(resources);

        Assert.Empty(result.Errors);
        var input = result.Input!;
        Assert.Equal(["node-a", "node-b", "node-c"], input.AllNodes.Select(n => n.Name));
        Assert.Equal(IPAddress.Parse("192.0.2.1"), input.Node.IPv4Address);
        Assert.Equal(120, input.Settings.MeshRestartTimeSeconds);
        var peer = Assert.Single(input.Peers);
        Assert.Equal((IPAddress.Parse("192.0.2.250"), 1790, BgpNextHopMode.Keep, "tor-secret"), (peer.PeerIP!, peer.PeerPort!.Value, peer.NextHopMode, peer.Password!));
        Assert.True(input.Pools.Single(p => p.Cidr.ToString() == "10.70.0.0/16").DisableBgpExport);
        var config = BirdConfigRenderer.Render(input);
        Assert.Contains("protocol bgp Global_192_0_2_250_port_1790 from brindle_bgp_v4", config, StringComparison.Ordinal);
        Assert.Contains("if net ~ 10.70.0.0/16 then return false;   # disableBGPExport", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_PerNodeConfiguration_OverridesListenPortAndLogSeverity()
    {
        var resources = new BgpResources([Node("node-a", "192.0.2.1")],
            [Config("default", new BGPConfigurationSpec { ListenPort = 179, LogSeverityScreen = "Info" }), Config("node.node-a", new BGPConfigurationSpec { ListenPort = 1790, LogSeverityScreen = "Debug" })],
            [], [Pool("p", "10.65.0.0/16")]);

        var settings = Map(resources).Input!.Settings;

        Assert.Equal((1790, BgpLogSeverity.Debug), (settings.ListenPort!.Value, settings.LogSeverity));
    }

    [Fact]
    public void Map_BadResources_EveryErrorNamed()
    {
        var resources = new BgpResources([Node("node-a", "not-an-ip", asNumber: 0)],
            [Config("default", new BGPConfigurationSpec { NodeMeshMaxRestartTime = "soon", LogSeverityScreen = "Loud" })],
            [Peer("p1", new BGPPeerSpec { PeerIP = "192.0.2.9:99999", AsNumber = 65000 }), Peer("p2", new BGPPeerSpec { PeerIP = "192.0.2.8", AsNumber = 65000, NextHopMode = "Sometimes", Password = new BgpPassword { SecretKeyRef = new SecretKeyReference { Name = "missing", Key = "k" } } })],
            []);

        var result = Map(resources);

        Assert.Null(result.Input);
        Assert.Equal(
            [
                "Node 'node-a': spec.bgp.ipv4Address", "Node 'node-a': spec.bgp.asNumber",
                "BGPConfiguration 'default': spec.nodeMeshMaxRestartTime", "BGPConfiguration 'default': spec.logSeverityScreen",
                "BGPPeer 'p1': spec.peerIP", "BGPPeer 'p2': spec.nextHopMode", "BGPPeer 'p2': spec.password",
            ],
            result.Errors.Select(e => $"{e.Kind} '{e.Name}': {e.Field}"));
    }

    [Fact]
    public void Map_UnknownNode_Error() =>
        Assert.Equal("spec.bgp", Assert.Single(Map(new BgpResources([], [], [], []), "ghost").Errors).Field);
}
