using System.Net;
using Brindle.Bgp.Config;
using Brindle.Bgp.Model;
using Brindle.Bgp.Supervisor;
using Brindle.Bgp.Tor;
using static Brindle.Bgp.Tests.BgpScenarios;

using Brindle.Testing.Bgp;

namespace Brindle.Bgp.Tests.Integration;

/// <summary>Privileged: the seeds' route-reflector and AS-per-rack (with ToR BIRDs) topologies with real BIRD.</summary>
public sealed class TopologyNamespaceTests
{
    [Fact]
    public async Task RouteReflectors_TwoReflectorsMeshOff_ClientsLearnEachOtherAndSurviveOneReflector()
    {
        await using var lab = await BgpNamespaceLab.CreateAsync("rr");
        var nodes = ReflectorNodes(2);
        foreach (var node in nodes) await lab.AddRouterAsync(node.Name, node.IPv4Address!.ToString());
        foreach (var node in nodes)
            Assert.Equal(BirdApplyOutcome.Started, (await lab.ApplyAsync(node.Name, BirdConfigRenderer.Render(For(node, nodes, MeshOff, ReflectorPeers())))).Outcome);

        await lab.WaitForEstablishedAsync("node-1", 2);   // one session per reflector, none to other clients
        await lab.WaitForEstablishedAsync("rr-1", 4);     // three clients and the other reflector
        // Reflected routes keep the originating client as next hop.
        await lab.WaitForRouteAsync("node-2", "10.65.0.0/26 via 192.0.2.1");
        await lab.WaitForRouteAsync("node-3", "10.65.1.0/26 via 192.0.2.2");

        await lab.Bird("rr-1").StopAsync();
        await lab.WaitUntilAsync("node-1's session to rr-1 to drop", async () => (await lab.StatusAsync("node-1")).Count(s => s.IsEstablished) == 1);
        Assert.Equal(BirdApplyOutcome.Reconfigured, (await lab.ApplyAsync("node-1", BirdConfigRenderer.Render(For(nodes[0], nodes, MeshOff, ReflectorPeers(), blocks: ["10.65.0.0/26", "10.65.7.0/26"])))).Outcome);
        await lab.WaitForRouteAsync("node-3", "10.65.7.0/26 via 192.0.2.1");
    }

    [Fact]
    public async Task AsPerRack_TorPeers_TorLearnsExactlyPoolRoutesAndRacksReachEachOther()
    {
        await using var lab = await StartRacksAsync("rack", downwardDefault: false);

        var tor1 = await BirdRoutePrefixesAsync(lab, "rack1-tor");
        Assert.Equal(["10.65.0.0/26", "10.65.1.0/26", "10.65.2.0/26"], tor1);
        await lab.WaitForRouteAsync("rack2-host1", "10.65.0.0/26 via 192.0.2.251");
        await lab.WaitForRouteAsync("rack1-host2", "10.65.2.0/26 via 192.0.2.250");
        await lab.WaitForRouteAsync("rack1-host2", "10.65.0.0/26 via 192.0.2.250");
    }

    [Fact]
    public async Task DownwardDefault_TorAnnouncesOnlyDefault_HostsLearnJustTheDefault()
    {
        await using var lab = await StartRacksAsync("dd", downwardDefault: true);

        Assert.Equal(["10.65.0.0/26", "10.65.1.0/26", "10.65.2.0/26"], await BirdRoutePrefixesAsync(lab, "rack1-tor"));
        await lab.WaitForRouteAsync("rack1-host1", "default via 192.0.2.250");
        var learned = (await lab.Run("rack1-host1", "ip", "-4", "route", "show", "proto", "bird")).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(' ')[0] == "blackhole" ? r.Split(' ')[1] : r.Split(' ')[0]).Order(StringComparer.Ordinal);
        Assert.Equal(["10.65.0.0/26", "default"], learned); // its own blackhole and the default; no other host's block
    }

    /// <summary>Rack 1: two hosts (AS 65001) under rack1-tor; rack 2: one host (AS 65002) under rack2-tor; ToRs peer eBGP.</summary>
    private static async Task<BgpNamespaceLab> StartRacksAsync(string tag, bool downwardDefault)
    {
        var lab = await BgpNamespaceLab.CreateAsync(tag);
        try
        {
            var hosts = RackNodes();
            foreach (var host in hosts) await lab.AddRouterAsync(host.Name, host.IPv4Address!.ToString());
            await lab.AddRouterAsync("rack1-tor", "192.0.2.250");
            await lab.AddRouterAsync("rack2-tor", "192.0.2.251");
            foreach (var tor in Tors(hosts, downwardDefault))
                Assert.Equal(BirdApplyOutcome.Started, (await lab.ApplyAsync(tor.Name, TorConfigRenderer.Render(tor))).Outcome);
            foreach (var host in hosts)
            {
                Assert.Equal(BirdApplyOutcome.Started, (await lab.ApplyAsync(host.Name, BirdConfigRenderer.Render(For(host, hosts, MeshOff, TorPeers(downwardDefault))))).Outcome);
                // Routes that must never leave the host: a workload /32 inside its own block, and a non-pool route.
                var block = BlockFor(host, hosts).BaseAddress.GetAddressBytes();
                await lab.Run(host.Name, "ip", "route", "add", "blackhole", $"10.65.{block[2]}.9/32", "proto", "static");
                await lab.Run(host.Name, "ip", "route", "add", "blackhole", "198.51.100.0/24", "proto", "static");
            }
            foreach (var host in hosts) await lab.WaitForEstablishedAsync(host.Name, 1);
            await lab.WaitUntilAsync("rack1-tor to learn three blocks", async () => (await BirdRoutePrefixesAsync(lab, "rack1-tor")).Count >= 3);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private static IEnumerable<TorRouter> Tors(IReadOnlyList<BgpNodeInput> hosts, bool downwardDefault)
    {
        TorNeighbor Host(BgpNodeInput h) => new(h.Name, h.IPv4Address!, h.AsNumber!.Value, TorNeighborRole.Host);
        yield return new TorRouter("rack1-tor", IPAddress.Parse("192.0.2.250"), 65001,
            [.. hosts.Where(h => h.AsNumber == 65001).Select(Host), new TorNeighbor("rack2-tor", IPAddress.Parse("192.0.2.251"), 65002, TorNeighborRole.Fabric)], downwardDefault);
        yield return new TorRouter("rack2-tor", IPAddress.Parse("192.0.2.251"), 65002,
            [.. hosts.Where(h => h.AsNumber == 65002).Select(Host), new TorNeighbor("rack1-tor", IPAddress.Parse("192.0.2.250"), 65001, TorNeighborRole.Fabric)], downwardDefault);
    }

    /// <summary>Prefixes the router learned over BGP (BIRD's table, BGP routes only), sorted.</summary>
    private static async Task<IReadOnlyList<string>> BirdRoutePrefixesAsync(BgpNamespaceLab lab, string router)
    {
        var output = (await lab.Bird(router).Birdc(default, "show", "route", "where", "source", "=", "RTS_BGP")).StandardOutput;
        return output.Split('\n')
            .Where(l => l.Length > 0 && char.IsDigit(l[0]))
            .Select(l => l.Split(' ', 2)[0])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
