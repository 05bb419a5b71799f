using System.Net;
using Brindle.Bgp.Config;
using Brindle.Bgp.Model;
using Brindle.Bgp.Tor;
using Brindle.Platform;
using Brindle.Bgp.Tests;
using static Brindle.Bgp.Tests.BgpScenarios;

namespace Brindle.Bgp.Config.Tests;

public sealed class BirdConfigRendererGoldenTests
{
    public static TheoryData<string> Cases() => new(GoldenCases.All.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_SeedTopology_MatchesGoldenFile(string name) =>
        Golden.AssertMatches(name + ".conf", GoldenCases.All[name]());

    [Fact]
    public async Task GoldenFiles_ParseWithBird_AllAccepted()
    {
        var files = Golden.Files().ToList();
        Assert.True(files.Count >= GoldenCases.All.Count, "every golden case has a file");
        var failures = new List<string>();
        foreach (var file in files)
        {
            var result = await ProcessCommandRunner.Instance.RunAsync(CommandSpec.Of("bird", "-p", "-c", file));
            if (!result.Succeeded) failures.Add($"{Path.GetFileName(file)}: {result.StandardError.Trim()}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task BirdParse_BrokenConfig_Rejected()
    {
        // Guards the test above: bird -p must really fail on a bad file.
        var path = Path.Combine(Path.GetTempPath(), $"bt-bgp-{Environment.ProcessId}-broken.conf");
        await File.WriteAllTextAsync(path, GoldenCases.All["full-mesh"]() + "\nprotocol bgp Broken { neighbor 1.2.3.4 as 0; }\n");
        try
        {
            var result = await ProcessCommandRunner.Instance.RunAsync(CommandSpec.Of("bird", "-p", "-c", path));
            Assert.False(result.Succeeded);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>Every rendered topology that has a golden file.</summary>
internal static class GoldenCases
{
    public static readonly IReadOnlyDictionary<string, Func<string>> All = new Dictionary<string, Func<string>>
    {
        ["full-mesh"] = () => BirdConfigRenderer.Render(FullMesh()),
        ["route-reflector-1-client"] = () => Reflector(1, "node-1"),
        ["route-reflector-1-reflector"] = () => Reflector(1, "rr-1"),
        ["route-reflector-2-client"] = () => Reflector(2, "node-2"),
        ["route-reflector-2-reflector"] = () => Reflector(2, "rr-2"),
        ["as-per-rack-host"] = () => BirdConfigRenderer.Render(For(RackNodes()[0], RackNodes(), MeshOff, TorPeers())),
        ["downward-default-host"] = () => BirdConfigRenderer.Render(For(RackNodes()[2], RackNodes(), MeshOff, TorPeers(downwardDefault: true))),
        ["password"] = () => BirdConfigRenderer.Render(For(ThreeNodes()[1], ThreeNodes(), new BgpSettings { MeshPassword = "mesh secret" },
            [new BgpPeerInput("tor") { PeerIP = IPAddress.Parse("192.0.2.250"), AsNumber = 65000, Password = "tor-secret", NextHopMode = BgpNextHopMode.Keep }])),
        ["disable-bgp-export"] = () => BirdConfigRenderer.Render(For(ThreeNodes()[0], ThreeNodes(), new BgpSettings { ListenPort = 1790, LogSeverity = BgpLogSeverity.Warning, GracefulRestart = false }, [],
            [new BgpPoolInput(Pool), new BgpPoolInput(IPNetwork.Parse("10.70.0.0/16")) { DisableBgpExport = true }, new BgpPoolInput(IPNetwork.Parse("10.80.0.0/16")) { VxlanMode = BgpEncapsulation.Always }],
            "10.65.0.0/26", "10.70.0.0/26", "10.80.0.64/26")),
        ["dual-stack"] = () => BirdConfigRenderer.Render(For(
            ThreeNodes()[0] with { IPv6Address = IPAddress.Parse("2001:db8::1") },
            [ThreeNodes()[0] with { IPv6Address = IPAddress.Parse("2001:db8::1") }, ThreeNodes()[1] with { IPv6Address = IPAddress.Parse("2001:db8::2") }],
            null, [], [new BgpPoolInput(Pool), new BgpPoolInput(IPNetwork.Parse("fd00:65::/48"))], "10.65.0.0/26", "fd00:65::/122")),
        ["tor-as-per-rack"] = () => TorConfigRenderer.Render(Tor(downwardDefault: false)),
        ["tor-downward-default"] = () => TorConfigRenderer.Render(Tor(downwardDefault: true)),
    };

    private static string Reflector(int reflectors, string node)
    {
        var nodes = ReflectorNodes(reflectors);
        return BirdConfigRenderer.Render(For(nodes.Single(n => n.Name == node), nodes, MeshOff, ReflectorPeers(), null, "10.65.9.0/26"));
    }

    private static TorRouter Tor(bool downwardDefault) => new("rack1-tor", IPAddress.Parse("192.0.2.250"), 65001,
    [
        new TorNeighbor("rack1-host1", IPAddress.Parse("192.0.2.11"), 65001, TorNeighborRole.Host),
        new TorNeighbor("rack1-host2", IPAddress.Parse("192.0.2.12"), 65001, TorNeighborRole.Host),
        new TorNeighbor("rack2-tor", IPAddress.Parse("192.0.2.251"), 65002, TorNeighborRole.Fabric),
    ], downwardDefault);
}
