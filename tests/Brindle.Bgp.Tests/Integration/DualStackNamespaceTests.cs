using System.Net;
using Brindle.Bgp.Config;
using Brindle.Bgp.Model;
using Brindle.Testing.Bgp;
using static Brindle.Bgp.Tests.BgpScenarios;

namespace Brindle.Bgp.Tests.Integration;

/// <summary>Privileged: IPv4 and IPv6 mesh sessions side by side, each family's blocks in the peer's kernel.</summary>
public sealed class DualStackNamespaceTests
{
    [Fact]
    public async Task Mesh_DualStack_BothFamiliesRouted()
    {
        await using var lab = await BgpNamespaceLab.CreateAsync("v6");
        BgpNodeInput[] nodes =
        [
            ThreeNodes()[0] with { IPv6Address = IPAddress.Parse("fd00:2::1") },
            ThreeNodes()[1] with { IPv6Address = IPAddress.Parse("fd00:2::2") },
        ];
        var pools = new[] { new BgpPoolInput(Pool), new BgpPoolInput(IPNetwork.Parse("fd00:65::/48")) };
        foreach (var node in nodes) await lab.AddRouterAsync(node.Name, node.IPv4Address!.ToString(), node.IPv6Address!.ToString());
        await lab.ApplyAsync("node-a", BirdConfigRenderer.Render(For(nodes[0], nodes, pools: pools, blocks: ["10.65.0.0/26", "fd00:65::/122"])));
        await lab.ApplyAsync("node-b", BirdConfigRenderer.Render(For(nodes[1], nodes, pools: pools, blocks: ["10.65.1.0/26", "fd00:65::40/122"])));

        await lab.WaitForEstablishedAsync("node-a", 2); // Mesh_192_0_2_2 and Mesh_fd00_2__2
        await lab.WaitForRouteAsync("node-b", "10.65.0.0/26 via 192.0.2.1");
        await BgpNamespaceLab.WaitUntilStaticAsync("fd00:65::/122 in node-b's kernel",
            async () => (await lab.Routes6Async("node-b")).Any(r => r.StartsWith("fd00:65::/122 via fd00:2::1 ", StringComparison.Ordinal)),
            async () => string.Join(" | ", await lab.Routes6Async("node-b")));
    }
}
