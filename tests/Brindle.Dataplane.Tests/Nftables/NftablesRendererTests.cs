using System.Net;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;
using Brindle.Dataplane.Tests.Support;
using static Brindle.Dataplane.Tests.Support.Messages;

namespace Brindle.Dataplane.Nftables.Tests;

public sealed class NftablesRendererTests
{
    private static string FullScript(params DataplaneMessage[] messages)
    {
        var model = new DataplaneModel();
        foreach (var m in messages) model.OnUpdate(m);
        return NftablesDelta.Compute(NftablesRenderer.Render(model), NftTableState.Missing, deleteStale: true).Script;
    }

    [Fact]
    public void Render_TiersPassAndProfiles_MatchesGolden()
    {
        Golden.Assert("tiers-pass-profiles.nft", FullScript(
            AllowAllProfile("kns.default"),
            ActivePolicy("security", "gate", inbound: [Tcp(RuleAction.Pass, 80), new Rule(RuleAction.Log), Tcp(RuleAction.Deny, 8080)]),
            ActivePolicy("default", "web", inbound: [Tcp(RuleAction.Allow, 80, 8080)], outbound: [Udp(RuleAction.Allow, 53)]),
            Workload("a", "calia", "10.65.0.2", "fd00:65::2", profiles: ["kns.default"]),
            Workload("b", "calib", "10.65.0.3", tiers: [Tier("security", ingress: ["gate"], defaultAction: TierDefaultAction.Pass), Tier("default", ingress: ["web"], egress: ["web"])], profiles: ["kns.default"]),
            new IPPoolUpdate("pool", IPNetwork.Parse("10.65.0.0/16"), Masquerade: true)));
    }

    [Fact]
    public void Render_IPSetsNamedPortsIcmpNegations_MatchesGolden()
    {
        Golden.Assert("ipsets-namedports-icmp.nft", FullScript(
            IPSet("s:web", "10.65.0.0/24", "10.65.0.9", "fd00:65::/64"),
            new IPSetUpdate("n:http", IPSetType.NamedPorts, [new IPSetMember(IPNetwork.Parse("10.65.0.3/32"), IPProtocols.Tcp, 8080)]),
            ActivePolicy("default", "mix", inbound:
            [
                new Rule(RuleAction.Allow) { SrcIPSetIds = ["s:web"], NotSrcNets = [IPNetwork.Parse("10.65.0.128/25")], Protocol = IPProtocols.Tcp, DstNamedPortIPSetIds = ["n:http"], DstPorts = [new PortRange(9000, 9100)] },
                new Rule(RuleAction.Allow) { Protocol = IPProtocols.Icmp, NotIcmpType = 8, NotIcmpCode = 0 },
                new Rule(RuleAction.Deny) { IPVersion = 6, NotProtocol = IPProtocols.Udp },
            ]),
            Workload("b", "calib", "10.65.0.3", tiers: [Tier("default", ingress: ["mix"])])));
    }

    [Fact]
    public void Render_HostEndpointWithoutPolicy_FailsafePortsThenDrop_MatchesGolden()
    {
        Golden.Assert("host-endpoint-failsafe.nft", FullScript(
            new HostEndpointUpdate(new HostEndpointId("node1-eth0"), "eth0", [IPAddress.Parse("192.0.2.2")], [], [], [])));
    }

    [Fact]
    public void Render_EndpointNamesMissingProfile_ChainDropsEverything()
    {
        var model = new DataplaneModel();
        model.OnUpdate(Workload("a", "calia", "10.65.0.2", profiles: ["kns.missing"]));
        var state = NftablesRenderer.Render(model);
        var rules = state.Chains["wl-to-calia"].Rules.Select(r => r.Text).ToList();
        Assert.Equal(["drop"], rules);
    }

    [Fact]
    public void Render_PolicyWithUnrenderableRule_EndpointFailsClosedOtherEndpointsUnaffected()
    {
        var model = new DataplaneModel();
        model.OnUpdate(AllowAllProfile("kns.default"));
        model.OnUpdate(ActivePolicy("default", "bad", inbound: [new Rule(RuleAction.Allow) { DstPorts = [PortRange.Single(80)] }]));   // ports without protocol
        model.OnUpdate(Workload("a", "calia", "10.65.0.2", tiers: [Tier("default", ingress: ["bad"])], profiles: ["kns.default"]));
        model.OnUpdate(Workload("b", "calib", "10.65.0.3", profiles: ["kns.default"]));
        var state = NftablesRenderer.Render(model);
        Assert.Equal(["drop"], state.Chains["wl-to-calia"].Rules.Select(r => r.Text));
        Assert.Contains("jump pri-kns.default", state.Chains["wl-to-calib"].Rules.Select(r => r.Text));
        Assert.False(state.Chains.ContainsKey("pi-default.bad"));
    }

    [Fact]
    public void Render_SameModelTwice_IdenticalHashes()
    {
        DataplaneMessage[] messages = [AllowAllProfile("p"), Workload("a", "calia", "10.65.0.2", profiles: ["p"])];
        Assert.Equal(FullScript(messages), FullScript(messages));
    }

    [Fact]
    public void Render_RuleInsertedEarlier_ChangesHashesOfLaterRules()
    {
        var model = new DataplaneModel();
        model.OnUpdate(ActivePolicy("default", "p", inbound: [Tcp(RuleAction.Allow, 80), Tcp(RuleAction.Allow, 81)]));
        var before = NftablesRenderer.Render(model).Chains["pi-default.p"].Rules;
        model.OnUpdate(ActivePolicy("default", "p", inbound: [Tcp(RuleAction.Deny, 79), Tcp(RuleAction.Allow, 80), Tcp(RuleAction.Allow, 81)]));
        var after = NftablesRenderer.Render(model).Chains["pi-default.p"].Rules;
        Assert.Equal(before[0].Text, after[1].Text);
        Assert.NotEqual(before[0].Hash, after[1].Hash);
    }

    [Fact]
    public void RenderIncremental_AfterChanges_SameAsFreshRender()
    {
        var renderer = new NftablesRenderer();
        var model = new DataplaneModel();
        DataplaneMessage[] steps =
        [
            AllowAllProfile("kns.default"),
            ActivePolicy("default", "web", inbound: [new Rule(RuleAction.Allow) { SrcIPSetIds = ["s:a"] }]),
            Workload("a", "calia", "10.65.0.2", tiers: [Tier("default", ingress: ["web"])], profiles: ["kns.default"]),
            IPSet("s:a", "10.65.0.9"),                                    // the policy becomes renderable
            ActivePolicy("default", "web", inbound: [Tcp(RuleAction.Allow, 443)]),
            new IPSetRemove("s:a"),
            Workload("a", "calia", "10.65.0.2", profiles: ["kns.default"]),
            new ConfigUpdate { LogPrefix = "x" },
        ];
        foreach (var step in steps)
        {
            model.OnUpdate(step);
            var incremental = renderer.RenderIncremental(model);
            var fresh = NftablesRenderer.Render(model);
            Assert.Equal(fresh.Chains.Keys.Order(StringComparer.Ordinal), incremental.Chains.Keys.Order(StringComparer.Ordinal));
            Assert.All(fresh.Chains.Values, c => Assert.True(c.SameRules(incremental.Chains[c.Name]), $"{c.Name} after {step}"));
            Assert.All(fresh.Sets.Values, s => Assert.True(s.Elements.SetEquals(incremental.Sets[s.Name].Elements)));
        }
    }
}
