using System.Net;
using Brindle.Bgp.Model;
using static Brindle.Bgp.Tests.BgpScenarios;

namespace Brindle.Bgp.Config.Tests;

public sealed class BgpInputValidatorTests
{
    [Fact]
    public void Validate_SeedScenarios_NoErrors() => Assert.Empty(BgpInputValidator.Validate(FullMesh()));

    [Fact]
    public void Render_SeveralProblems_ReportsEveryOneWithResourceAndField()
    {
        var node = BgpNodeInput.Of("node-a", "192.0.2.1", clusterId: "not-an-ip");
        var input = For(node, [node], new BgpSettings { ListenPort = 70000, MeshPassword = "a\"b" },
        [
            new BgpPeerInput("no-target"),
            new BgpPeerInput("no-as") { PeerIP = IPAddress.Parse("198.51.100.1") },
        ]);

        var e = Assert.Throws<BgpInputException>(() => BirdConfigRenderer.Render(input));

        Assert.Equal(
            [
                "Node 'node-a': spec.bgp.routeReflectorClusterID",
                "BGPConfiguration 'default': spec.listenPort",
                "BGPConfiguration 'default': spec.nodeMeshPassword",
                "BGPPeer 'no-target': spec.peerIP",
                "BGPPeer 'no-as': spec.asNumber",
            ],
            e.Errors.Select(x => $"{x.Kind} '{x.Name}': {x.Field}"));
    }

    [Fact]
    public void Validate_NoIPv4Address_RouterIdError()
    {
        var node = new BgpNodeInput("v6-only", null, IPAddress.Parse("2001:db8::1"), null, null, new Dictionary<string, string>());
        var error = Assert.Single(BgpInputValidator.Validate(For(node, [node], blocks: "fd00::/122")));
        Assert.Equal("spec.bgp.ipv4Address", error.Field);
    }
}
