using Brindle.Bgp.Config;
using Brindle.Bgp.Model;
using Brindle.Bgp.Status;
using Brindle.Testing.Bgp;
using static Brindle.Bgp.Tests.BgpScenarios;

namespace Brindle.Bgp.Tests.Integration;

/// <summary>Privileged: TCP MD5 passwords on mesh sessions with real BIRD.</summary>
public sealed class PasswordNamespaceTests
{
    [Fact]
    public async Task MeshPassword_SameOnBothSides_EstablishedThenMismatchExplained()
    {
        await using var lab = await BgpNamespaceLab.CreateAsync("md5");
        var nodes = ThreeNodes().Take(2).ToList();
        foreach (var node in nodes) await lab.AddRouterAsync(node.Name, node.IPv4Address!.ToString());
        string Config(int i, string password) => BirdConfigRenderer.Render(For(nodes[i], nodes, new BgpSettings { MeshPassword = password }));

        await lab.ApplyAsync("node-a", Config(0, "right"));
        await lab.ApplyAsync("node-b", Config(1, "right"));
        await lab.WaitForEstablishedAsync("node-a", 1);
        await lab.WaitForRouteAsync("node-b", "10.65.0.0/26 via 192.0.2.1");

        // node-b changes its password: the session drops and cannot come back.
        await lab.ApplyAsync("node-b", Config(1, "wrong"));
        await BgpNamespaceLab.WaitUntilStaticAsync("node-a's session to leave Established",
            async () => (await lab.StatusAsync("node-a")).All(s => !s.IsEstablished));
        await Task.Delay(TimeSpan.FromSeconds(4)); // a few connect retries: still not Established
        foreach (var node in nodes)
        {
            // node-a (lower address) waits passively; node-b keeps trying to connect. Both must point at the password.
            var status = Assert.Single(await lab.StatusAsync(node.Name));
            Assert.False(status.IsEstablished);
            var reason = BgpDiagnosis.Explain(status, new BgpDiagnosisContext(PasswordConfigured: true));
            Assert.Contains("TCP MD5", reason, StringComparison.Ordinal);
        }
    }
}
