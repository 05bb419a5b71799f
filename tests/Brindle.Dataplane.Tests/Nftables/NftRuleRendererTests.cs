using System.Net;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;

namespace Brindle.Dataplane.Nftables.Tests;

public sealed class NftRuleRendererTests
{
    private static readonly Dictionary<string, IPSetState> NoSets = [];

    private static IReadOnlyList<string> Render(Rule rule, bool inProfile = false, IReadOnlyDictionary<string, IPSetState>? sets = null) =>
        NftRuleRenderer.Render(rule, inProfile, "calico-packet", sets ?? NoSets);

    [Fact]
    public void Render_BareAllow_IsPlainAccept() => Assert.Equal(["accept"], Render(new Rule(RuleAction.Allow)));

    [Fact]
    public void Render_PassInPolicyAndProfile_MarkThenReturnVersusReturn()
    {
        Assert.Equal(["meta mark set meta mark | 0x20000 return"], Render(new Rule(RuleAction.Pass)));
        Assert.Equal(["return"], Render(new Rule(RuleAction.Pass), inProfile: true));
    }

    [Fact]
    public void Render_LogRule_LogsWithoutVerdict() =>
        Assert.Equal(["meta l4proto 6 log prefix \"calico-packet: \""], Render(new Rule(RuleAction.Log) { Protocol = IPProtocols.Tcp }));

    [Fact]
    public void Render_MixedFamilyNets_OneRulePerFamily()
    {
        var rules = Render(new Rule(RuleAction.Allow) { SrcNets = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")] });
        Assert.Equal(["meta nfproto ipv4 ip saddr { 10.0.0.0/8 } accept", "meta nfproto ipv6 ip6 saddr { fd00::/8 } accept"], rules);
    }

    [Fact]
    public void Render_IPv6NetsInIPv4Rule_NeverMatchesSoNoRule() =>
        Assert.Empty(Render(new Rule(RuleAction.Allow) { IPVersion = 4, DstNets = [IPNetwork.Parse("fd00::/8")] }));

    [Fact]
    public void Render_OverlappingNets_InnerNetDropped() =>
        Assert.Equal(["meta nfproto ipv4 ip daddr { 10.0.0.0/8 } drop"],
            Render(new Rule(RuleAction.Deny) { DstNets = [IPNetwork.Parse("10.1.0.0/16"), IPNetwork.Parse("10.0.0.0/8")] }));

    [Fact]
    public void Render_PortsAndRanges_SortedSetWithNegation() =>
        Assert.Equal(["meta l4proto 17 th sport != { 5 } th dport { 53, 1000-2000 } accept"],
            Render(new Rule(RuleAction.Allow) { Protocol = IPProtocols.Udp, DstPorts = [new PortRange(1000, 2000), PortRange.Single(53)], NotSrcPorts = [PortRange.Single(5)] }));

    [Theory]
    [InlineData(null)]
    [InlineData(IPProtocols.Icmp)]
    public void Render_PortsWithoutPortProtocol_NotRenderable(int? protocol) =>
        Assert.Throws<RuleNotRenderableException>(() => Render(new Rule(RuleAction.Allow) { Protocol = protocol, DstPorts = [PortRange.Single(80)] }));

    [Fact]
    public void Render_UnknownIPSet_NotRenderable() =>
        Assert.Throws<RuleNotRenderableException>(() => Render(new Rule(RuleAction.Allow) { SrcIPSetIds = ["s:nope"] }));

    [Fact]
    public void Render_NamedPortOrNumericPort_TwoAlternativesSameVerdict()
    {
        var sets = new Dictionary<string, IPSetState> { ["n:http"] = new(IPSetType.NamedPorts, []) };
        var rules = Render(new Rule(RuleAction.Allow) { Protocol = IPProtocols.Tcp, DstPorts = [PortRange.Single(80)], DstNamedPortIPSetIds = ["n:http"] }, sets: sets);
        Assert.Equal(
        [
            "meta nfproto ipv4 meta l4proto 6 th dport { 80 } accept",
            "meta nfproto ipv4 meta l4proto 6 ip daddr . meta l4proto . th dport @np4-n_http_" + NftNames.ShortHash("n:http", 11) + " accept",
            "meta nfproto ipv6 meta l4proto 6 th dport { 80 } accept",
            "meta nfproto ipv6 meta l4proto 6 ip6 daddr . meta l4proto . th dport @np6-n_http_" + NftNames.ShortHash("n:http", 11) + " accept",
        ], rules);
    }

    [Fact]
    public void Render_IcmpTypeAndCode_OnlyForItsFamily() =>
        Assert.Equal(["meta nfproto ipv6 meta l4proto 58 icmpv6 type 128 icmpv6 code 0 accept"],
            Render(new Rule(RuleAction.Allow) { Protocol = IPProtocols.IcmpV6, IcmpType = 128, IcmpCode = 0 }));

    [Fact]
    public void Safe_IdWithInvalidCharacters_GetsHashSuffixAndStaysDistinct()
    {
        Assert.Equal("default.allow-dns", NftNames.Safe("default.allow-dns"));
        Assert.NotEqual(NftNames.Safe("ns/a:b"), NftNames.Safe("ns/a_b"));
        Assert.Matches("^[A-Za-z0-9_.-]+$", NftNames.Safe("ns/a:b with space"));
    }
}
