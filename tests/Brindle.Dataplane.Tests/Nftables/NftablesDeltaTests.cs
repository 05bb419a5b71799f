using System.Collections.Immutable;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;
using CsCheck;
using static Brindle.Dataplane.Tests.Support.Messages;

namespace Brindle.Dataplane.Nftables.Tests;

public sealed class NftablesDeltaTests
{
    private static NftTableState Render(params DataplaneMessage[] messages)
    {
        var model = new DataplaneModel();
        foreach (var m in messages) model.OnUpdate(m);
        return NftablesRenderer.Render(model);
    }

    private static readonly DataplaneMessage[] Base =
    [
        AllowAllProfile("kns.default"),
        ActivePolicy("default", "web", inbound: [Tcp(RuleAction.Allow, 80)]),
        ActivePolicy("default", "db", inbound: [Tcp(RuleAction.Allow, 5432)]),
        Workload("a", "calia", "10.65.0.2", tiers: [Tier("default", ingress: ["web"])], profiles: ["kns.default"]),
        Workload("b", "calib", "10.65.0.3", tiers: [Tier("default", ingress: ["db"])], profiles: ["kns.default"]),
    ];

    [Fact]
    public void Compute_DesiredEqualsAfterOfPreviousDelta_EmptyScript()
    {
        var desired = Render(Base);
        var first = NftablesDelta.Compute(desired, NftTableState.Missing, deleteStale: true);
        Assert.False(first.IsEmpty);
        Assert.True(NftablesDelta.Compute(desired, first.After, deleteStale: true).IsEmpty);
    }

    [Fact]
    public void Compute_OnePolicyChanged_OnlyItsChainRewritten()
    {
        var after = NftablesDelta.Compute(Render(Base), NftTableState.Missing, true).After;
        var changed = Render([.. Base, ActivePolicy("default", "web", inbound: [Tcp(RuleAction.Allow, 80, 443)])]);
        var delta = NftablesDelta.Compute(changed, after, true);
        var lines = delta.Script.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["flush chain inet brindle pi-default.web", "add rule inet brindle pi-default.web meta l4proto 6 th dport { 80, 443 } accept comment \"brindle:" + changed.Chains["pi-default.web"].Rules[0].Hash + "\""], lines);
        Assert.Equal(1, delta.ChangedChains);
    }

    [Fact]
    public void Compute_NewEndpoint_ChainsFilledBeforeDispatchElementAdded()
    {
        var after = NftablesDelta.Compute(Render(Base), NftTableState.Missing, true).After;
        var script = NftablesDelta.Compute(Render([.. Base, Workload("c", "calic", "10.65.0.4", profiles: ["kns.default"])]), after, true).Script;
        var chainFill = script.IndexOf("add rule inet brindle wl-to-calic", StringComparison.Ordinal);
        var dispatch = script.IndexOf("add element inet brindle wl-to-dispatch { \"calic\" : goto wl-to-calic }", StringComparison.Ordinal);
        Assert.True(chainFill >= 0 && dispatch > chainFill, script);
        Assert.DoesNotContain("pi-default.web", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_StaleEndpoint_KeptBeforeInSyncRemovedAfter()
    {
        var after = NftablesDelta.Compute(Render(Base), NftTableState.Missing, true).After;
        var withoutB = Render(Base[..4]);
        var beforeSync = NftablesDelta.Compute(withoutB, after, deleteStale: false);
        Assert.True(beforeSync.IsEmpty, beforeSync.Script);
        var afterSync = NftablesDelta.Compute(withoutB, after, deleteStale: true);
        Assert.Contains("delete element inet brindle wl-to-dispatch { \"calib\" }", afterSync.Script, StringComparison.Ordinal);
        Assert.Contains("delete chain inet brindle wl-to-calib", afterSync.Script, StringComparison.Ordinal);
        Assert.True(afterSync.Script.IndexOf("delete element inet brindle wl-to-dispatch", StringComparison.Ordinal)
            < afterSync.Script.IndexOf("delete chain inet brindle wl-to-calib", StringComparison.Ordinal));
        Assert.True(NftablesDelta.Compute(withoutB, afterSync.After, true).IsEmpty);
    }

    [Fact]
    public void Compute_ChainEditedByHand_IsRewritten()
    {
        var desired = Render(Base);
        var after = NftablesDelta.Compute(desired, NftTableState.Missing, true).After;
        var chain = after.Chains["pi-default.web"];
        var tampered = after with { Chains = after.Chains.SetItem(chain.Name, chain with { Rules = [new NftRule("", "")] }) };
        Assert.Contains("flush chain inet brindle pi-default.web", NftablesDelta.Compute(desired, tampered, true).Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_AddressSetGainsANetwork_BecomesAnIntervalSet_RulesFollow_OldSetDeletedLast()
    {
        var rule = new Rule(RuleAction.Allow) { SrcIPSetIds = ValueList.From(["s:x"]) };
        DataplaneMessage[] Scenario(params string[] members) =>
            [.. Base, IPSet("s:x", members), ActivePolicy("default", "web", inbound: [rule])];
        var plain = NftablesDelta.Compute(Render(Scenario("10.65.0.7")), NftTableState.Missing, true);
        var addresses = NftNames.IPSet("s:x", 4, namedPorts: false);
        var networks = NftNames.IPSet("s:x", 4, namedPorts: false, networks: true);
        Assert.Contains($"add set inet brindle {addresses} {{ type ipv4_addr; }}", plain.Script, StringComparison.Ordinal);
        Assert.Contains($"add element inet brindle {addresses} {{ 10.65.0.7 }}", plain.Script, StringComparison.Ordinal);   // bare address

        var grown = NftablesDelta.Compute(Render(Scenario("10.65.0.7", "10.66.0.0/24")), plain.After, true);

        var script = grown.Script;
        Assert.Contains($"add set inet brindle {networks} {{ type ipv4_addr; flags interval; }}", script, StringComparison.Ordinal);
        Assert.Contains($"ip saddr @{networks}", script, StringComparison.Ordinal);
        Assert.True(script.IndexOf($"ip saddr @{networks}", StringComparison.Ordinal) < script.IndexOf($"delete set inet brindle {addresses}", StringComparison.Ordinal));
        Assert.Equal(["10.65.0.7/32", "10.66.0.0/24"], grown.After.Sets[networks].Elements.Order(StringComparer.Ordinal));
        Assert.False(grown.After.Sets.ContainsKey(addresses));
    }

    [Fact]
    public void Compute_RandomSetMembershipChanges_AfterAlwaysEqualsDesired()
    {
        var addresses = Gen.Int[1, 40].Select(i => $"10.65.0.{i}");
        Gen.Select(addresses.HashSet[0, 20], addresses.HashSet[0, 20]).Sample((before, now) =>
        {
            var first = NftablesDelta.Compute(Render(IPSet("s:x", [.. before])), NftTableState.Missing, true).After;
            var desired = Render(IPSet("s:x", [.. now]));
            var delta = NftablesDelta.Compute(desired, first, true);
            var expected = desired.Sets[NftNames.IPSet("s:x", 4, namedPorts: false)].Elements;
            var actual = delta.After.Sets[NftNames.IPSet("s:x", 4, namedPorts: false)].Elements;
            Assert.True(expected.SetEquals(actual));
            var changes = before.Except(now).Count() + now.Except(before).Count();
            Assert.Equal(changes, delta.ChangedElements);
        });
    }
}
