using Brindle.Bgp.Config;
using Brindle.Bgp.Model;
using Brindle.Bgp.Status;
using static Brindle.Bgp.Tests.BgpScenarios;

using Brindle.Testing.Bgp;

namespace Brindle.Bgp.Tests.Integration;

/// <summary>Privileged: a deliberately wrong peer AS shows up in <c>brindle node status</c> with the reason.</summary>
public sealed class WrongAsNamespaceTests
{
    [Fact]
    public async Task NodeStatus_WrongPeerAs_ExplainsAsMismatch()
    {
        await using var lab = await BgpNamespaceLab.CreateAsync("wrongas");
        var nodes = ThreeNodes().Take(2).ToList();
        foreach (var node in nodes) await lab.AddRouterAsync(node.Name, node.IPv4Address!.ToString());

        // node-a believes node-b is in AS 64999; node-b really is in 64512.
        var wrongView = nodes.Select(n => n.Name == "node-b" ? n with { AsNumber = 64999 } : n).ToList();
        await lab.ApplyAsync("node-a", BirdConfigRenderer.Render(For(wrongView[0], wrongView)));
        await lab.ApplyAsync("node-b", BirdConfigRenderer.Render(For(nodes[1], nodes)));

        await BgpNamespaceLab.WaitUntilStaticAsync("a Bad peer AS error on node-a",
            async () => (await lab.StatusAsync("node-a")).Any(s => (s.LastError ?? s.Info).Contains("Bad peer AS", StringComparison.Ordinal)),
            async () => BgpStatusTableRenderer.Render(await lab.StatusAsync("node-a")));

        var status = await lab.StatusAsync("node-a");
        var table = BgpStatusTableRenderer.Render(status);
        Assert.False(status.Single().IsEstablished);
        Assert.Contains("192.0.2.2: AS number mismatch", table, StringComparison.Ordinal);
        Assert.Contains("64999", table, StringComparison.Ordinal);
        
    }
}
