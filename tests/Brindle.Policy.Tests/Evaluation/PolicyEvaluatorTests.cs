using static Brindle.Policy.Evaluation.Tests.PolicyScenario;
using Action = Brindle.Policy.PolicyModel.Action;

namespace Brindle.Policy.Evaluation.Tests;

/// <summary>The policy-semantics.md rules and gotchas, one by one.</summary>
public sealed class PolicyEvaluatorTests
{
    private const int Tcp = 6;
    private const int Udp = 17;
    private const int Icmp = 1;

    private static ConnectionVerdict Probe(PolicyEvaluator evaluator, string src, string dst, int protocol = Tcp, int? port = 80, int? icmpType = null, int? icmpCode = null)
    {
        Assert.True(evaluator.TryResolvePeer(src, out var s, out var e1), e1);
        Assert.True(evaluator.TryResolvePeer(dst, out var d, out var e2), e2);
        return evaluator.Evaluate(new PolicyConnection(s!, d!, protocol, protocol is Tcp or Udp ? port : null, icmpType, icmpCode), trace: true);
    }

    [Fact]
    public void TierOrder_AllowInEarlierTierBeatsOrder1DenyInLaterTier()
    {
        var evaluator = Kubernetes()
            .Tier("security", 100)
            .Policy(null, "allow-a", "pod == 'a'", ingress: [Allow()], tier: "security", order: 500)
            .Policy("x", "deny-all", "all()", ingress: [Deny()], order: 1)
            .Build();
        var verdict = Probe(evaluator, "y/b", "x/a");
        Assert.True(verdict.Allowed);
        Assert.Equal(("security", "allow-a", 0), (verdict.Ingress.Tier, verdict.Ingress.Policy, verdict.Ingress.RuleIndex));
        Assert.False(Probe(evaluator, "y/b", "x/b").Allowed);
    }

    [Fact]
    public void PolicyOrder_UnorderedRunsLast_TiesBrokenByName()
    {
        var evaluator = Kubernetes()
            .Policy("x", "a-unordered", "all()", ingress: [Deny()])
            .Policy("x", "z-ordered", "all()", ingress: [Allow()], order: 10)
            .Policy("x", "b-same", "pod == 'b'", ingress: [Deny()], order: 10)
            .Build();
        Assert.Equal("x/z-ordered", Probe(evaluator, "y/a", "x/a").Ingress.Policy);
        Assert.Equal("x/b-same", Probe(evaluator, "y/a", "x/b").Ingress.Policy);
    }

    [Fact]
    public void Pass_SkipsRestOfTier_ThenProfilesDecide()
    {
        var evaluator = Kubernetes()
            .Tier("platform", 10)
            .Policy(null, "pass-y", "all()", ingress: [Pass(From(namespaceSelector: "ns == 'y'")), Deny()], tier: "platform")
            .Build();
        var fromY = Probe(evaluator, "y/a", "x/a");
        Assert.True(fromY.Allowed);
        Assert.Equal(DecisionKind.ProfileRule, fromY.Ingress.Kind);
        Assert.Equal("kns.x", fromY.Ingress.Profile);
        var fromZ = Probe(evaluator, "z/a", "x/a");
        Assert.False(fromZ.Allowed);
        Assert.Equal(DecisionKind.PolicyRule, fromZ.Ingress.Kind);
    }

    [Fact]
    public void Pass_WithoutProfiles_Denies()
    {
        var evaluator = Kubernetes()
            .Workload("x", "bare", "10.0.9.9", new() { ["pod"] = "bare" }, [])
            .Policy(null, "pass-all", "all()", ingress: [Pass()])
            .Build();
        var verdict = Probe(evaluator, "y/a", "x/bare");
        Assert.False(verdict.Allowed);
        Assert.Equal(DecisionKind.DefaultDeny, verdict.Ingress.Kind);
    }

    [Fact]
    public void TierDefaultActionPass_FallsThroughToNextTier()
    {
        var evaluator = Kubernetes()
            .Tier("passing", 10, defaultPass: true)
            .Policy(null, "unrelated", "all()", ingress: [Deny(From("pod == 'c'", namespaceSelector: "all()"))], tier: "passing")
            .Policy("x", "allow-b", "all()", ingress: [Allow(From("pod == 'b'", namespaceSelector: "all()"))])
            .Build();
        Assert.True(Probe(evaluator, "y/b", "x/a").Allowed);
        Assert.Equal("x/allow-b", Probe(evaluator, "y/b", "x/a").Ingress.Policy);
        Assert.Equal(DecisionKind.EndOfTier, Probe(evaluator, "y/a", "x/a").Ingress.Kind);
        Assert.Equal("passing", Probe(evaluator, "y/c", "x/a").Ingress.Tier);
    }

    [Fact]
    public void Log_IsNoVerdict_NextRuleDecides()
    {
        var evaluator = Kubernetes()
            .Policy("x", "log-then-deny", "all()", ingress: [new PolicyModel.Rule(Action.Log), Deny()])
            .Build();
        var verdict = Probe(evaluator, "y/a", "x/a");
        Assert.False(verdict.Allowed);
        Assert.Equal(1, verdict.Ingress.RuleIndex);
        Assert.Contains(verdict.Ingress.Trace!, s => s.Contains("(Log) matches", StringComparison.Ordinal));
    }

    [Fact]
    public void EgressOnlyRules_PolicyAppliesToEgressOnly()
    {
        var evaluator = Kubernetes()
            .Policy("x", "egress-only", "all()", egress: [Allow(destination: From(namespaceSelector: "ns == 'y'"))])
            .Build();
        Assert.True(Probe(evaluator, "z/a", "x/a").Allowed);
        Assert.False(Probe(evaluator, "x/a", "z/a").Allowed);
        Assert.True(Probe(evaluator, "x/a", "y/a").Allowed);
    }

    [Fact]
    public void NotSelectorOnly_InNamespacedPolicy_StillLimitedToOwnNamespace()
    {
        var evaluator = Kubernetes()
            .Policy("x", "not-c", "pod == 'a'", ingress: [Allow(From(notSelector: "pod == 'c'"))])
            .Build();
        Assert.True(Probe(evaluator, "x/b", "x/a").Allowed);
        Assert.False(Probe(evaluator, "x/c", "x/a").Allowed);
        Assert.False(Probe(evaluator, "y/b", "x/a").Allowed);
        Assert.False(Probe(evaluator, "192.0.2.1", "x/a").Allowed);
    }

    [Fact]
    public void NotSelectorOnly_InGlobalPolicy_MatchesExternalToo()
    {
        var evaluator = Kubernetes()
            .Policy(null, "not-c", "pod == 'a'", ingress: [Allow(From(notSelector: "pod == 'c'"))])
            .Build();
        Assert.True(Probe(evaluator, "y/b", "x/a").Allowed);
        Assert.True(Probe(evaluator, "192.0.2.1", "x/a").Allowed);
        Assert.False(Probe(evaluator, "z/c", "x/a").Allowed);
    }

    [Fact]
    public void NetsOnly_InNamespacedPolicy_MatchesOtherNamespacesAndExternal()
    {
        var evaluator = Kubernetes()
            .Policy("x", "from-10", "pod == 'a'", ingress: [Allow(From(nets: ["10.0.0.0/16"]))])
            .Build();
        Assert.True(Probe(evaluator, "z/c", "x/a").Allowed);
        Assert.False(Probe(evaluator, "192.0.2.1", "x/a").Allowed);
        var external = Kubernetes().Policy("x", "from-doc", "pod == 'a'", ingress: [Allow(From(nets: ["192.0.2.0/24"]))]).Build();
        var verdict = Probe(external, "192.0.2.1", "x/a");
        Assert.True(verdict.Allowed);
        Assert.Equal(DecisionKind.External, verdict.Egress.Kind);
    }

    [Fact]
    public void NamespaceSelectorAll_NeverMatchesExternal_GlobalMatchesGlobalNetworkSets()
    {
        var evaluator = Kubernetes()
            .NetworkSet(null, "partners", new() { ["role"] = "partner" }, "198.51.100.0/24")
            .Policy("x", "from-any-ns", "pod == 'a'", ingress: [Allow(From(namespaceSelector: "all()"))])
            .Policy("x", "from-partners", "pod == 'b'", ingress: [Allow(From("role == 'partner'", namespaceSelector: "global()"))])
            .Build();
        Assert.True(Probe(evaluator, "z/c", "x/a").Allowed);
        Assert.False(Probe(evaluator, "198.51.100.7", "x/a").Allowed);
        Assert.True(Probe(evaluator, "198.51.100.7", "x/b").Allowed);
        Assert.False(Probe(evaluator, "z/c", "x/b").Allowed);
        Assert.False(Probe(evaluator, "203.0.113.1", "x/b").Allowed);
    }

    [Fact]
    public void GlobalPolicySelector_MatchesGlobalNetworkSetsWithoutNamespaceSelector()
    {
        var evaluator = Kubernetes()
            .NetworkSet(null, "partners", new() { ["role"] = "partner" }, "198.51.100.0/24")
            .Policy(null, "deny-partners", "all()", ingress: [Deny(From("role == 'partner'")), Allow()])
            .Build();
        Assert.False(Probe(evaluator, "198.51.100.7", "x/a").Allowed);
        Assert.True(Probe(evaluator, "203.0.113.1", "x/a").Allowed);
    }

    [Fact]
    public void NamespacedNetworkSet_MatchedBySameNamespacePolicy()
    {
        var evaluator = Kubernetes()
            .NetworkSet("x", "office", new() { ["role"] = "office" }, "203.0.113.0/24")
            .NetworkSet("y", "office", new() { ["role"] = "office" }, "192.0.2.0/24")
            .Policy("x", "from-office", "all()", ingress: [Allow(From("role == 'office'"))])
            .Build();
        Assert.True(Probe(evaluator, "203.0.113.9", "x/a").Allowed);
        Assert.False(Probe(evaluator, "192.0.2.9", "x/a").Allowed);
    }

    [Fact]
    public void Ports_RangesAndNamedPorts()
    {
        var evaluator = Kubernetes()
            .Workload("x", "web", "10.0.1.50", new() { ["pod"] = "web" }, ["kns.x"], new PolicyModel.NamedPort("http", Tcp, 8080))
            .Policy("x", "ports", "all()", ingress: [Allow(destination: Ports("6000:6010", "http"), protocol: Tcp)])
            .Build();
        Assert.True(Probe(evaluator, "y/a", "x/a", port: 6000).Allowed);
        Assert.True(Probe(evaluator, "y/a", "x/a", port: 6010).Allowed);
        Assert.False(Probe(evaluator, "y/a", "x/a", port: 6011).Allowed);
        Assert.True(Probe(evaluator, "y/a", "x/web", port: 8080).Allowed);
        Assert.False(Probe(evaluator, "y/a", "x/a", port: 8080).Allowed);
        Assert.False(Probe(evaluator, "y/a", "x/web", Udp, 8080).Allowed);
    }

    [Fact]
    public void NotPortsAndNotProtocol_Exclude()
    {
        var evaluator = Kubernetes()
            .Policy("x", "not", "all()", ingress:
            [
                new PolicyModel.Rule(Action.Allow, Protocol: Tcp, Destination: new PolicyModel.EntityRule(NotPorts: [PolicyModel.PortMatch.Number(22)])),
                new PolicyModel.Rule(Action.Allow, NotProtocol: Tcp),
            ])
            .Build();
        Assert.True(Probe(evaluator, "y/a", "x/a", port: 80).Allowed);
        Assert.False(Probe(evaluator, "y/a", "x/a", port: 22).Allowed);
        Assert.True(Probe(evaluator, "y/a", "x/a", Udp, 22).Allowed);
    }

    [Fact]
    public void Icmp_TypeAndCode()
    {
        var evaluator = Kubernetes()
            .Policy("x", "ping", "all()", ingress:
            [
                new PolicyModel.Rule(Action.Deny, Protocol: Icmp, Icmp: new(3, 4)),
                new PolicyModel.Rule(Action.Allow, Protocol: Icmp, NotIcmp: new(5, null)),
            ])
            .Build();
        Assert.True(Probe(evaluator, "y/a", "x/a", Icmp, icmpType: 8, icmpCode: 0).Allowed);
        Assert.False(Probe(evaluator, "y/a", "x/a", Icmp, icmpType: 3, icmpCode: 4).Allowed);
        Assert.True(Probe(evaluator, "y/a", "x/a", Icmp, icmpType: 3, icmpCode: 1).Allowed);
        Assert.False(Probe(evaluator, "y/a", "x/a", Icmp, icmpType: 5, icmpCode: 1).Allowed);
        Assert.False(Probe(evaluator, "y/a", "x/a", Tcp, 80).Allowed);
    }

    [Fact]
    public void IpVersion_RuleForOtherFamilyDoesNotMatch()
    {
        var evaluator = Kubernetes()
            .Policy("x", "v6-only", "all()", ingress: [new PolicyModel.Rule(Action.Allow, IpVersion: 6)])
            .Build();
        Assert.False(Probe(evaluator, "y/a", "x/a").Allowed);
    }

    [Fact]
    public void MissingProfile_DeniesEverything()
    {
        var evaluator = Kubernetes().Workload("x", "orphan", "10.0.9.1", [], ["kns.gone"]).Build();
        var verdict = Probe(evaluator, "x/a", "x/orphan");
        Assert.Equal(DecisionKind.ProfileMissing, verdict.Ingress.Kind);
        Assert.False(verdict.Allowed);
    }

    [Fact]
    public void ProfileFirstRuleDeny_BlocksLaterAllow()
    {
        var evaluator = Kubernetes()
            .Profile(new PolicyModel.Profile("kns.x", new Dictionary<string, string>(), [Deny(), Allow()], [Allow()]))
            .Build();
        var verdict = Probe(evaluator, "y/a", "x/a");
        Assert.False(verdict.Allowed);
        Assert.Equal((DecisionKind.ProfileRule, 0), (verdict.Ingress.Kind, verdict.Ingress.RuleIndex));
    }

    [Fact]
    public void ProfileLabelsToApply_SelectableByPolicy()
    {
        var evaluator = Kubernetes()
            .Profile(new PolicyModel.Profile("kns.y", new Dictionary<string, string> { ["team"] = "blue" }, [Allow()], [Allow()]))
            .Policy(null, "blue-only", "ns == 'never'", ingress: [])
            .Policy("x", "from-blue", "all()", ingress: [Allow(From("team == 'blue'", namespaceSelector: "all()"))])
            .Build();
        Assert.True(Probe(evaluator, "y/c", "x/a").Allowed);
        Assert.False(Probe(evaluator, "z/c", "x/a").Allowed);
    }

    [Fact]
    public void GlobalPolicyNamespaceSelector_LimitsToMatchingNamespaces()
    {
        var evaluator = Kubernetes()
            .Policy(null, "lock-y", "all()", ingress: [Deny()], namespaceSelector: "ns == 'y'")
            .Build();
        Assert.False(Probe(evaluator, "x/a", "y/a").Allowed);
        Assert.True(Probe(evaluator, "x/a", "z/a").Allowed);
    }

    [Fact]
    public void HostEndpoint_NoProfiles_DefaultDeny_GlobalPolicyApplies()
    {
        var evaluator = Kubernetes()
            .Host("node1-eth0", "192.168.0.1", new() { ["role"] = "node" })
            .Policy("x", "namespaced", "all()", ingress: [Allow()])
            .Build();
        var verdict = Probe(evaluator, "x/a", "node1-eth0");
        Assert.Equal(DecisionKind.DefaultDeny, verdict.Ingress.Kind);
        var withPolicy = Kubernetes()
            .Host("node1-eth0", "192.168.0.1", new() { ["role"] = "node" })
            .Policy(null, "ssh", "role == 'node'", ingress: [Allow(destination: Ports(22), protocol: Tcp)])
            .Build();
        Assert.True(Probe(withPolicy, "x/a", "node1-eth0", port: 22).Allowed);
        Assert.Equal(DecisionKind.EndOfTier, Probe(withPolicy, "x/a", "node1-eth0", port: 80).Ingress.Kind);
    }

    [Fact]
    public void Trace_ExplainsWhyEarlierRulesDidNotMatch()
    {
        var evaluator = Kubernetes()
            .Policy("x", "web", "pod == 'a'", ingress:
            [
                Allow(From("pod == 'b'")),
                Allow(destination: Ports(443), protocol: Tcp),
                Allow(From(namespaceSelector: "ns == 'y'"), protocol: Tcp),
            ])
            .Build();
        var verdict = Probe(evaluator, "y/b", "x/a");
        Assert.True(verdict.Allowed);
        Assert.Equal(2, verdict.Ingress.RuleIndex);
        var trace = string.Join('\n', verdict.Ingress.Trace!);
        Assert.Contains("rule 0 (Allow) does not match: source y/b (10.0.2.2) is not an endpoint or network set matching (projectcalico.org/namespace == \"x\" && pod == \"b\")", trace, StringComparison.Ordinal);
        Assert.Contains("rule 1 (Allow) does not match: destination port 80 is not in ports [443]", trace, StringComparison.Ordinal);
        Assert.Contains("rule 2 (Allow) matches", trace, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolvePeer_UnknownName_Error()
    {
        var evaluator = Kubernetes().Build();
        Assert.False(evaluator.TryResolvePeer("x/zzz", out _, out var error));
        Assert.Contains("x/zzz", error, StringComparison.Ordinal);
        Assert.True(evaluator.TryResolvePeer("10.0.1.2", out var peer, out _));
        Assert.Equal("x/b", peer!.Endpoint!.Id);
    }
}
