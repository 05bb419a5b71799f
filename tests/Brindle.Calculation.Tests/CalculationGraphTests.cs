using Brindle.Api;
using Brindle.Calculation.Messages;
using Brindle.Policy;
using Rule = Brindle.Calculation.Messages.Rule;
using RuleAction = Brindle.Calculation.Messages.RuleAction;

namespace Brindle.Calculation.Tests;

public sealed class CalculationGraphTests
{
    private static string SetId(string selector) => Selector.Parse(selector).UniqueId;

    private static IPSetMember M(string address) => IPSetMember.Of(address);

    [Fact]
    public void OnUpdate_LocalKubernetesWorkload_GetsNamespaceProfileRouteAndNoPolicies()
    {
        var s = new Scenario().Put(R.Ns("prod"), R.Wep("prod", "web", "10.0.0.1", labels: "app=web"));

        var workload = s.Workload("prod", "web");
        Assert.Equal(["kns.prod"], workload.ProfileIds);
        Assert.Empty(workload.Tiers);
        Assert.Equal("caliweb", workload.InterfaceName);
        Assert.Equal([new RouteUpdate(System.Net.IPNetwork.Parse("10.0.0.1/32"), RouteType.LocalWorkload, "caliweb")], s.Model.Routes.Values);
        Assert.Equal([new Rule(RuleAction.Allow)], s.Model.Profiles["kns.prod"].InboundRules);
    }

    [Fact]
    public void OnUpdate_RemoteWorkload_OnlyContributesIPSetMembers()
    {
        var s = new Scenario().Put(
            R.Ns("prod"),
            R.Wep("prod", "remote", "10.0.1.1", node: "node2", labels: "app=db"),
            R.Gnp("allow-db", "app == 'web'", ingress: [R.Allow(srcSelector: "app == 'db'")]));
        Assert.Empty(s.Model.Workloads);
        Assert.Empty(s.Model.Policies);   // no local endpoint matches: inactive
        Assert.Empty(s.Model.IPSets);

        s.Put(R.Wep("prod", "web", "10.0.0.1", labels: "app=web"));

        Assert.Single(s.Model.Workloads);
        Assert.Equal([M("10.0.1.1")], s.Model.Members(SetId("app == 'db'")));
        Assert.DoesNotContain("10.0.1.1/32", s.Model.Routes.Keys);
        Assert.Equal([new PolicyId("default", "allow-db")], s.Workload("prod", "web").Tiers.Single().IngressPolicies);
    }

    [Fact]
    public void OnUpdate_EndpointLabelChange_MovesItInAndOutOfIPSetsWithDeltas()
    {
        var s = new Scenario().Put(
            R.Wep("prod", "web", "10.0.0.1", labels: "app=web"),
            R.Wep("prod", "c1", "10.0.1.1", node: "node2", labels: "role=client"),
            R.Gnp("p", "app == 'web'", ingress: [R.Allow(srcSelector: "role == 'client'")]));
        var set = SetId("role == 'client'");
        Assert.Equal([M("10.0.1.1")], s.Model.Members(set));

        var messages = s.Capture(x => x.Put(R.Wep("prod", "c2", "10.0.1.2", node: "node2", labels: "role=client")));
        Assert.Equal([new IPSetDeltaUpdate(set, [M("10.0.1.2")], [])], messages);

        messages = s.Capture(x => x.Put(R.Wep("prod", "c1", "10.0.1.1", node: "node2", labels: "role=server")));
        Assert.Equal([new IPSetDeltaUpdate(set, [], [M("10.0.1.1")])], messages);
        Assert.Equal([M("10.0.1.2")], s.Model.Members(set));
    }

    [Fact]
    public void OnUpdate_PolicyRuleSelectorChange_ReplacesTheSetAfterThePolicy()
    {
        var s = new Scenario().Put(
            R.Wep("prod", "web", "10.0.0.1", labels: "app=web"),
            R.Wep("prod", "a", "10.0.1.1", node: "node2", labels: "role=a"),
            R.Wep("prod", "b", "10.0.1.2", node: "node2", labels: "role=b"),
            R.Gnp("p", "app == 'web'", ingress: [R.Allow(srcSelector: "role == 'a'")]));

        var messages = s.Capture(x => x.Put(R.Gnp("p", "app == 'web'", ingress: [R.Allow(srcSelector: "role == 'b'")])));

        Assert.Equal(3, messages.Count);
        Assert.Equal(new IPSetUpdate(SetId("role == 'b'"), IPSetType.Nets, [M("10.0.1.2")]), messages[0]);
        Assert.IsType<ActivePolicyUpdate>(messages[1]);
        Assert.Equal(new IPSetRemove(SetId("role == 'a'")), messages[2]);
    }

    [Fact]
    public void OnUpdate_PolicySelectorChange_ActivatesAndDeactivatesPolicies()
    {
        var s = new Scenario().Put(
            R.Wep("prod", "web", "10.0.0.1", labels: "app=web"),
            R.Gnp("p", "app == 'db'", ingress: [R.Allow(srcSelector: "role == 'x'")]));
        Assert.Empty(s.Model.Policies);

        s.Put(R.Gnp("p", "app == 'web'", ingress: [R.Allow(srcSelector: "role == 'x'")]));
        Assert.Single(s.Model.Policies);
        Assert.Single(s.Model.IPSets);

        s.Put(R.Gnp("p", "app == 'other'", ingress: [R.Allow(srcSelector: "role == 'x'")]));
        Assert.Empty(s.Model.Policies);
        Assert.Empty(s.Model.IPSets);
        Assert.Empty(s.Workload("prod", "web").Tiers);
    }

    [Fact]
    public void OnUpdate_NamespaceLabelChange_UpdatesNamespaceSelectorSets()
    {
        var s = new Scenario().Put(
            R.Ns("dev", "env=dev"),
            R.Ns("prod", "env=prod"),
            R.Wep("dev", "d1", "10.0.2.1", node: "node2"),
            R.Wep("prod", "p1", "10.0.3.1", node: "node2"),
            R.Gns("ext", "env=prod", "192.0.2.0/24"),
            R.Wep("prod", "web", "10.0.0.1", labels: "app=web"),
            R.Gnp("p", "app == 'web'", ingress: [R.Allow(srcNamespaceSelector: "env == 'prod'")]));
        var set = s.Model.Policies.Values.Single().InboundRules[0].SrcIPSetIds.Single();
        Assert.Equal([M("10.0.0.1"), M("10.0.3.1")], s.Model.Members(set).OrderBy(m => m.ToString()));

        s.Put(R.Ns("dev", "env=prod"));
        Assert.Contains(M("10.0.2.1"), s.Model.Members(set));

        s.Delete(R.Ns("prod"));   // its endpoints lose the namespace labels
        Assert.Equal([M("10.0.2.1")], s.Model.Members(set));
    }

    [Fact]
    public void OnUpdate_NamespacedPolicy_ScopesRuleSelectorsToItsNamespace()
    {
        var s = new Scenario().Put(
            R.Ns("a"), R.Ns("b"),
            R.Wep("a", "web", "10.0.0.1", labels: "app=web"),
            R.Wep("a", "x1", "10.0.1.1", node: "node2", labels: "role=x"),
            R.Wep("b", "x2", "10.0.1.2", node: "node2", labels: "role=x"),
            R.NetSet("a", "ns-net", "role=x", "198.51.100.0/24"),
            R.Np("a", "p", "app == 'web'", ingress: [R.Allow(srcSelector: "role == 'x'"), R.Allow(srcNotSelector: "role == 'x'")]));

        var rules = s.Model.Policies[new PolicyId("default", "a/p")].InboundRules;
        Assert.Equal([M("10.0.1.1"), M("198.51.100.0/24")], s.Model.Members(rules[0].SrcIPSetIds.Single()).OrderBy(m => m.ToString()));
        // Only notSelector: the positive side is still limited to the namespace; the negative side is not scoped.
        Assert.Equal([M("10.0.0.1"), M("10.0.1.1"), M("198.51.100.0/24")], s.Model.Members(rules[1].SrcIPSetIds.Single()).OrderBy(m => m.ToString()));
        Assert.Equal([M("10.0.1.1"), M("10.0.1.2"), M("198.51.100.0/24")], s.Model.Members(rules[1].NotSrcIPSetIds.Single()).OrderBy(m => m.ToString()));
    }

    [Fact]
    public void OnUpdate_NamespaceSelectorGlobal_MatchesOnlyNonNamespacedEntities()
    {
        var s = new Scenario().Put(
            R.Ns("a"),
            R.Wep("a", "web", "10.0.0.1", labels: "app=web"),
            R.Gns("ext", "kind=ext", "192.0.2.0/24"),
            R.NetSet("a", "inner", "kind=ext", "198.51.100.0/24"),
            R.Np("a", "p", "app == 'web'", ingress: [R.Allow(srcSelector: "kind == 'ext'", srcNamespaceSelector: "global()")]));
        var set = s.Model.Policies.Values.Single().InboundRules[0].SrcIPSetIds.Single();
        Assert.Equal([M("192.0.2.0/24")], s.Model.Members(set));
    }

    [Fact]
    public void OnUpdate_TiersAndOrders_ResolveInEvaluationOrder()
    {
        var s = new Scenario().Put(
            R.Tier("security", 100),
            R.Tier("platform", 500, Api.TierDefaultAction.Pass),
            R.Wep("prod", "web", "10.0.0.1", labels: "app=web"),
            R.Gnp("unordered", "all()", ingress: [R.Allow()]),
            R.Gnp("b-ten", "all()", order: 10, ingress: [R.Allow()]),
            R.Gnp("a-ten", "all()", order: 10, ingress: [R.Allow()]),
            R.Gnp("first", "all()", order: 1, egress: [R.Allow()]),
            R.Np("prod", "sec", "all()", order: 5, tier: "security", ingress: [R.Deny()]),
            R.Gnp("plat", "all()", tier: "platform", ingress: [R.Allow()], egress: [R.Allow()]));

        var tiers = s.Workload("prod", "web").Tiers;
        Assert.Equal(["security", "platform", "default"], tiers.Select(t => t.Name));
        Assert.Equal(Messages.TierDefaultAction.Pass, tiers[1].DefaultAction);
        Assert.Equal(["a-ten", "b-ten", "unordered"], tiers[2].IngressPolicies.Select(p => p.Name));
        Assert.Equal(["first"], tiers[2].EgressPolicies.Select(p => p.Name));
        Assert.Equal([new PolicyId("security", "prod/sec")], tiers[0].IngressPolicies);
        Assert.Empty(tiers[0].EgressPolicies);

        s.Put(R.Tier("platform", 50));   // platform now first
        Assert.Equal(["platform", "security", "default"], s.Workload("prod", "web").Tiers.Select(t => t.Name));
    }

    [Fact]
    public void OnUpdate_MissingTier_KeepsItsPoliciesLastWithDeny()
    {
        var s = new Scenario().Put(
            R.Wep("prod", "web", "10.0.0.1"),
            R.Gnp("ghost-policy", "all()", tier: "ghost", ingress: [R.Deny()]),
            R.Gnp("normal", "all()", ingress: [R.Allow()]));
        var tiers = s.Workload("prod", "web").Tiers;
        Assert.Equal(["default", "ghost"], tiers.Select(t => t.Name));
        Assert.Equal(Messages.TierDefaultAction.Deny, tiers[1].DefaultAction);
    }

    [Fact]
    public void OnUpdate_MissingProfile_IsDenyAllUntilItExists()
    {
        var s = new Scenario().Put(R.Wep("prod", "web", "10.0.0.1", profiles: "p1"));
        // A pod that lists profiles does not also get its namespace profile.
        Assert.Equal(["p1"], s.Workload("prod", "web").ProfileIds);
        Assert.Equal([new Rule(RuleAction.Deny)], s.Model.Profiles["p1"].InboundRules);
        Assert.Equal([new Rule(RuleAction.Deny)], s.Model.Profiles["p1"].OutboundRules);

        s.Put(R.Profile("p1", ingress: [R.Allow(srcSelector: "role == 'x'")]));
        Assert.Equal(RuleAction.Allow, s.Model.Profiles["p1"].InboundRules.Single().Action);
        Assert.Single(s.Model.IPSets);

        s.Delete(R.Profile("p1"));
        Assert.Equal([new Rule(RuleAction.Deny)], s.Model.Profiles["p1"].InboundRules);
        Assert.Empty(s.Model.IPSets);
    }

    [Fact]
    public void OnUpdate_PodWithoutNamespaceResource_GetsImpliedAllowAllNamespaceProfile()
    {
        var s = new Scenario().Put(R.Wep("prod", "web", "10.0.0.1"));
        Assert.Equal(["kns.prod"], s.Workload("prod", "web").ProfileIds);
        Assert.Equal([new Rule(RuleAction.Allow)], s.Model.Profiles["kns.prod"].InboundRules);

        // A stored Profile with that name wins over the implied one, and its removal brings the implied one back.
        s.Put(R.Profile("kns.prod", ingress: [R.Deny()]));
        Assert.Equal([new Rule(RuleAction.Deny)], s.Model.Profiles["kns.prod"].InboundRules);
        s.Delete(R.Profile("kns.prod"));
        Assert.Equal([new Rule(RuleAction.Allow)], s.Model.Profiles["kns.prod"].InboundRules);
    }

    [Fact]
    public void OnUpdate_ProfileLabels_AreInheritedBySelectors()
    {
        var s = new Scenario().Put(
            R.Profile("team", labels: "team=blue"),
            R.Wep("prod", "web", "10.0.0.1", profiles: "team"),
            R.Gnp("p", "team == 'blue'", ingress: [R.Allow()]));
        Assert.Single(s.Workload("prod", "web").Tiers);

        s.Put(R.Profile("team", labels: "team=red"));
        Assert.Empty(s.Workload("prod", "web").Tiers);
        Assert.Empty(s.Model.Policies);
    }

    [Fact]
    public void OnUpdate_EndpointDeleted_RemovesEndpointThenPolicyThenSets()
    {
        var s = new Scenario().Put(
            R.Ns("prod"),
            R.Wep("prod", "web", "10.0.0.1", labels: "app=web"),
            R.Gnp("p", "app == 'web'", ingress: [R.Allow(srcSelector: "role == 'x'")]));

        var messages = s.Capture(x => x.Delete(R.Wep("prod", "web", "10.0.0.1")));

        Assert.Equal(
            [typeof(RouteRemove), typeof(WorkloadEndpointRemove), typeof(ActivePolicyRemove), typeof(ActiveProfileRemove), typeof(IPSetRemove)],
            messages.Select(m => m.GetType()));
        Assert.Empty(s.Model.Policies);
        Assert.Empty(s.Model.IPSets);
    }

    [Fact]
    public void OnUpdate_PolicyTypes_FollowCalicoDefaults()
    {
        var s = new Scenario().Put(
            R.Wep("prod", "web", "10.0.0.1"),
            R.Gnp("egress-only", "all()", egress: [R.Allow(srcSelector: "a == 'b'")]),
            R.Gnp("no-rules", "all()"),
            R.Np("prod", "explicit", "all()", ingress: [R.Allow(srcSelector: "c == 'd'")], types: [PolicyType.Egress]));

        var tier = s.Workload("prod", "web").Tiers.Single();
        Assert.Equal(["no-rules"], tier.IngressPolicies.Select(p => p.Name));
        Assert.Equal(["egress-only", "prod/explicit"], tier.EgressPolicies.Select(p => p.Name));
        // Rules of a direction the policy does not apply to are dropped, so their sets are never needed.
        Assert.Empty(s.Model.Policies[new PolicyId("default", "prod/explicit")].InboundRules);
        Assert.Single(s.Model.IPSets);
    }

    [Fact]
    public void OnUpdate_HostEndpoint_GetsNormalUntrackedAndPreDnatTiers()
    {
        var untracked = R.Gnp("untracked", "role == 'host'", ingress: [R.Allow()]) is var g
            ? g with { Spec = g.Spec with { DoNotTrack = true, ApplyOnForward = true } }
            : null!;
        var s = new Scenario().Put(
            R.Hep("h1", "192.0.2.10", labels: "role=host"),
            R.Hep("h2", "192.0.2.20", node: "node2", labels: "role=host"),
            R.Gnp("normal", "role == 'host'", ingress: [R.Allow(srcSelector: "role == 'host'")]),
            untracked);

        var host = Assert.Single(s.Model.Hosts.Values);
        Assert.Equal("h1", host.Id.Name);
        Assert.Equal(["normal"], host.Tiers.Single().IngressPolicies.Select(p => p.Name));
        Assert.Equal(["untracked"], host.UntrackedTiers.Single().IngressPolicies.Select(p => p.Name));
        Assert.Equal([M("192.0.2.10"), M("192.0.2.20")], s.Model.Members(SetId("role == 'host'")).OrderBy(m => m.ToString()));
    }

    [Fact]
    public void OnUpdate_NamedPort_BuildsNamedPortSet()
    {
        var rule = new Api.Rule
        {
            Action = Api.RuleAction.Allow,
            Protocol = Protocol.Tcp,
            Destination = new() { Selector = "app == 'db'", Ports = [Port.Named("pg"), Port.Number(5433)] },
        };
        var db = R.Wep("prod", "db", "10.0.1.1", node: "node2", labels: "app=db");
        db = db with { Spec = db.Spec with { Ports = [new EndpointPort { Name = "pg", Protocol = Protocol.Tcp, Port = 5432 }] } };
        var s = new Scenario().Put(R.Wep("prod", "web", "10.0.0.1"), db, R.Gnp("p", "all()", egress: [rule]));

        var compiled = s.Model.Policies.Values.Single().OutboundRules.Single();
        Assert.Equal([new PortRange(5433, 5433)], compiled.DstPorts);
        var named = compiled.DstNamedPortIPSetIds.Single();
        Assert.Equal(IPSetType.NamedPorts, s.Model.IPSets[named].Type);
        Assert.Equal([new IPSetMember(System.Net.IPNetwork.Parse("10.0.1.1/32"), 6, 5432)], s.Model.Members(named));
    }

    [Fact]
    public void OnUpdate_PoolsAndConfiguration_AreSent()
    {
        var s = new Scenario().Put(R.Pool("p1", "10.0.0.0/16", nat: true), R.Pool("p2", "10.1.0.0/16", nat: false));
        Assert.True(s.Model.Pools["p1"].Masquerade);
        Assert.False(s.Model.Pools["p2"].Masquerade);
        Assert.Equal(ConfigUpdate.Default, s.Model.Config);

        s.Put(new FelixConfiguration { Metadata = new() { Name = "default" }, Spec = new() { InterfacePrefix = "cali,tap,veth", DefaultEndpointToHostAction = "Accept", IptablesRefreshInterval = "1m30s" } });
        s.Put(new FelixConfiguration { Metadata = new() { Name = "node.node1" }, Spec = new() { DefaultEndpointToHostAction = "Drop" } });
        s.Put(new FelixConfiguration { Metadata = new() { Name = "node.node2" }, Spec = new() { LogPrefix = "other" } });
        Assert.Equal(["cali", "tap", "veth"], s.Model.Config!.WorkloadInterfacePrefixes);
        Assert.Equal(EndpointToHostAction.Drop, s.Model.Config.EndpointToHostAction);
        Assert.Equal(TimeSpan.FromSeconds(90), s.Model.Config.ResyncInterval);
        Assert.Equal("calico-packet", s.Model.Config.LogPrefix);

        s.Delete(R.Pool("p1", "10.0.0.0/16", nat: true));
        Assert.Equal(["p2"], s.Model.Pools.Keys);
    }

    [Fact]
    public void OnUpdate_SameValueTwice_SendsNothing()
    {
        var s = new Scenario().Put(R.Ns("prod"), R.Wep("prod", "web", "10.0.0.1"), R.Gnp("p", "all()", ingress: [R.Allow(srcSelector: "a == 'b'")]));
        Assert.Empty(s.Capture(x => x.Put(R.Wep("prod", "web", "10.0.0.1"), R.Gnp("p", "all()", ingress: [R.Allow(srcSelector: "a == 'b'")]))));
        Assert.Empty(s.Capture(x => x.Delete(R.Wep("prod", "never-existed", "10.9.9.9"))));
    }

    [Fact]
    public void OnUpdate_InvalidPolicy_IsTreatedAsAbsent()
    {
        var s = new Scenario().Put(R.Wep("prod", "web", "10.0.0.1"), R.Gnp("p", "all()", ingress: [R.Allow()]));
        Assert.Single(s.Model.Policies);
        s.Put(R.Gnp("p", "app == ", ingress: [R.Allow()]));
        Assert.Empty(s.Model.Policies);
        Assert.Empty(s.Workload("prod", "web").Tiers);
    }

    [Fact]
    public void OnUpdate_WorkloadMovesToAnotherNode_IsRemovedButStaysInSets()
    {
        var s = new Scenario().Put(
            R.Wep("prod", "web", "10.0.0.1", labels: "app=web"),
            R.Wep("prod", "other", "10.0.0.2", labels: "app=web"),
            R.Gnp("p", "app == 'web'", ingress: [R.Allow(srcSelector: "app == 'web'")]));
        s.Put(R.Wep("prod", "web", "10.0.0.1", node: "node2", labels: "app=web"));
        Assert.Single(s.Model.Workloads);
        Assert.Equal([M("10.0.0.1"), M("10.0.0.2")], s.Model.Members(SetId("app == 'web'")).OrderBy(m => m.ToString()));
        Assert.Equal(["10.0.0.2/32"], s.Model.Routes.Keys);
    }

    [Fact]
    public void OnInSync_SendsInSyncOnceAfterTheSnapshot()
    {
        var s = new Scenario();
        s.Graph.OnUpdates([ResourceUpdate.Of(R.Ns("prod")), ResourceUpdate.Of(R.Wep("prod", "web", "10.0.0.1"))]);
        s.Graph.OnInSync();
        s.Graph.OnInSync();
        Assert.Single(s.Messages.OfType<InSync>());
        Assert.IsType<InSync>(s.Messages[^1]);
        Assert.True(s.Model.InSync);
    }

    [Fact]
    public void OnUpdate_ValueOfWrongKindForKey_IsTreatedAsDeleted()
    {
        var s = new Scenario().Put(R.Wep("prod", "web", "10.0.0.1"));
        s.Graph.OnUpdate(new ResourceUpdate(R.Wep("prod", "web", "10.0.0.1").Key, R.Ns("prod")));
        Assert.Empty(s.Model.Workloads);
    }

    [Fact]
    public void Calculation_DoesNotReferenceIOAssemblies()
    {
        var refs = typeof(CalculationGraph).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.DoesNotContain("Brindle.Dataplane", refs);
        Assert.DoesNotContain("Brindle.Datastore", refs);
        Assert.DoesNotContain("System.Diagnostics.Process", refs);
    }
}
