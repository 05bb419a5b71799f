using System.Net;
using Brindle.Calculation.Messages;
using Brindle.Lab.TestBed;
using static Brindle.Dataplane.Tests.Support.Messages;

namespace Brindle.Dataplane.Tests.Privileged;

/// <summary>Real nftables and routes in a node namespace, real packets between workload namespaces.</summary>
public sealed class NftablesPacketTests
{
    private const string A = "10.65.0.2";
    private const string B = "10.65.0.3";
    private const string C = "10.65.0.4";
    private static readonly IPAddress IpA = IPAddress.Parse(A);
    private static readonly IPAddress IpB = IPAddress.Parse(B);

    [PrivilegedFact]
    public async Task Apply_IngressPolicyAllowsOnlyTcp80_OtherPortsAndUdpDropped()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        var b = await h.AddWorkloadAsync("b", "calib", B);
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            ActivePolicy("default", "web", inbound: [Tcp(RuleAction.Allow, 80)]),
            Workload("a", "calia", A, profiles: ["kns.default"]),
            Workload("b", "calib", B, tiers: [Tier("default", ingress: ["web"])], profiles: ["kns.default"]),
            InSync.Instance);

        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.OtherTcpPort));
        Assert.False(await Probe.UdpAsync(a, IpB, NodeHarness.UdpPort));
        // b has no egress policy, so its profile lets it reach a on any port.
        Assert.True(await Probe.TcpAsync(b, IpA, NodeHarness.OtherTcpPort));
        Assert.True(await Probe.UdpAsync(b, IpA, NodeHarness.UdpPort));
    }

    [PrivilegedFact]
    public async Task Apply_EgressPolicyOnSource_EnforcedOnTheWayOut()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        var b = await h.AddWorkloadAsync("b", "calib", B);
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            ActivePolicy("default", "out", outbound: [Udp(RuleAction.Allow, 53), Tcp(RuleAction.Allow, 8080)]),
            Workload("a", "calia", A, tiers: [Tier("default", egress: ["out"])], profiles: ["kns.default"]),
            Workload("b", "calib", B, profiles: ["kns.default"]),
            InSync.Instance);

        Assert.True(await Probe.UdpAsync(a, IpB, NodeHarness.UdpPort));
        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.OtherTcpPort));
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.True(await Probe.TcpAsync(b, IpA, NodeHarness.TcpPort));   // a's ingress is open (no ingress policy)
    }

    [PrivilegedFact]
    public async Task Apply_TiersWithPassAndEndOfTierDrop_FollowTierSemantics()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            // security tier: pass port 80 to the next tier, deny 8080; anything else hits the end-of-tier drop.
            ActivePolicy("security", "gate", inbound: [Tcp(RuleAction.Pass, 80), new Rule(RuleAction.Log), Tcp(RuleAction.Deny, 8080)]),
            // default tier: allows 8080 (never reached: denied earlier) and 80.
            ActivePolicy("default", "web", inbound: [Tcp(RuleAction.Allow, 80, 8080)]),
            Workload("a", "calia", A, profiles: ["kns.default"]),
            Workload("b", "calib", B, tiers: [Tier("security", ingress: ["gate"]), Tier("default", ingress: ["web"])], profiles: ["kns.default"]),
            InSync.Instance);

        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.OtherTcpPort));
        Assert.False(await Probe.UdpAsync(a, IpB, NodeHarness.UdpPort));
    }

    [PrivilegedFact]
    public async Task Apply_TierDefaultActionPassAndProfiles_FallThroughToProfile()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            Profile("tcp-only", inbound: [new Rule(RuleAction.Allow) { Protocol = IPProtocols.Tcp }]),
            ActivePolicy("platform", "no8080", inbound: [Tcp(RuleAction.Deny, 8080)]),
            Workload("a", "calia", A, profiles: ["kns.default"]),
            Workload("b", "calib", B, tiers: [Tier("platform", ingress: ["no8080"], defaultAction: TierDefaultAction.Pass)], profiles: ["tcp-only"]),
            InSync.Instance);

        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));         // passed by the tier, allowed by the profile
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.OtherTcpPort));   // denied in the tier
        Assert.False(await Probe.UdpAsync(a, IpB, NodeHarness.UdpPort));        // profile has no UDP allow: default deny
    }

    [PrivilegedFact]
    public async Task Apply_NoPolicyNoProfile_DefaultDeny_AndMissingPolicyFailsClosed()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        await h.AddWorkloadAsync("c", "calic", C);
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            Workload("a", "calia", A, profiles: ["kns.default"]),
            Workload("b", "calib", B),                                                                            // nothing applies: deny
            Workload("c", "calic", C, tiers: [Tier("default", ingress: ["never-sent"])], profiles: ["kns.default"]), // unknown policy: fail closed
            InSync.Instance);

        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.False(await Probe.TcpAsync(a, IPAddress.Parse(C), NodeHarness.TcpPort));
        var chain = await h.NftAsync("list", "chain", "inet", "brindle", "wl-to-calic");
        Assert.DoesNotContain("jump", chain.StandardOutput, StringComparison.Ordinal);
    }

    [PrivilegedFact]
    public async Task Apply_InterfaceWithoutEndpoint_IsNeverForwarded()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        await h.AddWorkloadAsync("a", "calia", A);
        var b = await h.AddWorkloadAsync("b", "calib", B);
        await h.ApplyAsync(AllowAllProfile("kns.default"), Workload("b", "calib", B, profiles: ["kns.default"]), InSync.Instance);
        // a's veth exists and we route to it by hand, but no endpoint was sent: its traffic must not pass.
        await h.Bed.RunAsync(h.Node.Namespace, default, "route", "add", A + "/32", "dev", "calia");

        Assert.False(await Probe.TcpAsync(b, IpA, NodeHarness.TcpPort));
    }

    /// <summary>a, b, c; b admits only the IP set <c>s:frontends</c>, which holds a.</summary>
    private static async Task<(TestWorkload A, TestWorkload C)> FrontendsAsync(NodeHarness h)
    {
        var a = await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        var c = await h.AddWorkloadAsync("c", "calic", C);
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            IPSet("s:frontends", A),
            ActivePolicy("default", "from-frontends", inbound: [new Rule(RuleAction.Allow) { SrcIPSetIds = ["s:frontends"] }]),
            Workload("a", "calia", A, profiles: ["kns.default"]),
            Workload("b", "calib", B, tiers: [Tier("default", ingress: ["from-frontends"])], profiles: ["kns.default"]),
            Workload("c", "calic", C, profiles: ["kns.default"]),
            InSync.Instance);
        return (a, c);
    }

    [PrivilegedFact]
    public async Task Apply_IPSetMembershipChange_UpdatesReachability()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var (a, c) = await FrontendsAsync(h);
        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.False(await Probe.TcpAsync(c, IpB, NodeHarness.TcpPort));

        await h.ApplyAsync(new IPSetDeltaUpdate("s:frontends", AddedMembers: [IPSetMember.Of(C)], RemovedMembers: [IPSetMember.Of(A)]));
        Assert.Contains("add element inet brindle a4-s_frontends", h.Nftables.LastScript, StringComparison.Ordinal);
        Assert.DoesNotContain("add rule", h.Nftables.LastScript, StringComparison.Ordinal);   // only the set changed
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.True(await Probe.TcpAsync(c, IpB, NodeHarness.TcpPort));
    }

    [PrivilegedFact]
    public async Task Apply_IPSetGainsAndLosesANetwork_SwitchesSetKindInOneTransaction()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var (a, c) = await FrontendsAsync(h);
        Assert.False(await Probe.TcpAsync(c, IpB, NodeHarness.TcpPort));

        // c and a network join: the address set becomes an interval set, rules follow, the old set goes.
        await h.ApplyAsync(new IPSetDeltaUpdate("s:frontends", AddedMembers: [IPSetMember.Of(C + "/32"), IPSetMember.Of("10.66.0.0/24")], RemovedMembers: []));
        Assert.Contains("flags interval", h.Nftables.LastScript, StringComparison.Ordinal);
        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.True(await Probe.TcpAsync(c, IpB, NodeHarness.TcpPort));

        // And back to addresses only.
        await h.ApplyAsync(new IPSetDeltaUpdate("s:frontends", AddedMembers: [], RemovedMembers: [IPSetMember.Of("10.66.0.0/24"), IPSetMember.Of(A)]));
        Assert.True(await Probe.TcpAsync(c, IpB, NodeHarness.TcpPort));
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        var listing = (await h.NftAsync("list", "table", "inet", "brindle")).StandardOutput;
        Assert.DoesNotContain("set n4-", listing, StringComparison.Ordinal);
        Assert.False((await h.Nftables.ResyncAsync()).Changed);   // what the kernel holds is exactly what was rendered
    }

    [PrivilegedFact]
    public async Task Apply_IcmpAndNetsRules_PingAllowedOnlyFromListedNet()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        var c = await h.AddWorkloadAsync("c", "calic", C);
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            ActivePolicy("default", "ping", inbound: [new Rule(RuleAction.Allow) { Protocol = IPProtocols.Icmp, IcmpType = 8, SrcNets = [IPNetwork.Parse(A + "/32")] }]),
            Workload("a", "calia", A, profiles: ["kns.default"]),
            Workload("b", "calib", B, tiers: [Tier("default", ingress: ["ping"])], profiles: ["kns.default"]),
            Workload("c", "calic", C, profiles: ["kns.default"]),
            InSync.Instance);

        Assert.True(await Probe.PingAsync(a, IpB));
        Assert.False(await Probe.PingAsync(c, IpB));
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
    }
}
