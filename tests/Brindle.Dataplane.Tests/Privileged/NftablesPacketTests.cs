using System.Net;
using Brindle.Calculation.Messages;
using Brindle.Lab.TestBed;
using static Brindle.Dataplane.Tests.Support.Messages;

namespace Brindle.Dataplane.Tests.Privileged;

/// <summary>Real nftables in a node namespace, real packets between workload namespaces.</summary>
public sealed class NftablesPacketTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.65.0.2");
    private static readonly IPAddress B = IPAddress.Parse("10.65.0.3");

    [PrivilegedFact]
    public async Task Apply_PolicyAllowsOnlyPort80_IngressEnforcedPerPortAndProtocol()
    {
        await using var h = await NodeHarness.CreateAsync("dpt");
        var a = await h.AddWorkloadAsync("a", "calia", A.ToString());
        var b = await h.AddWorkloadAsync("b", "calib", B.ToString());
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            Support.Messages.Policy("default", "web", inbound: [Tcp(RuleAction.Allow, 80)]),
            Workload("a", "calia", A.ToString(), profiles: ["kns.default"]),
            Workload("b", "calib", B.ToString(), tiers: [Tier("default", ingress: ["web"])], profiles: ["kns.default"]),
            InSync.Instance);

        Assert.True(await Probe.TcpAsync(a, B, NodeHarness.TcpPort));
        Assert.False(await Probe.TcpAsync(a, B, NodeHarness.OtherTcpPort));
        Assert.False(await Probe.UdpAsync(a, B, NodeHarness.UdpPort));
        // b has no egress policy, so the profile lets it reach a on any port.
        Assert.True(await Probe.TcpAsync(b, A, NodeHarness.OtherTcpPort));
        Assert.True(await Probe.UdpAsync(b, A, NodeHarness.UdpPort));
    }
}
