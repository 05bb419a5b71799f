using System.Net;
using Action = Brindle.Policy.PolicyModel.Action;

namespace Brindle.Policy.Evaluation.Tests;

/// <summary>Test builder: Kubernetes-style namespaces x, y, z with pods a, b, c (10.0.&lt;ns&gt;.&lt;pod&gt;), plus whatever a test adds.</summary>
internal sealed class PolicyScenario
{
    public static readonly string[] Namespaces = ["x", "y", "z"];
    public static readonly string[] Pods = ["a", "b", "c"];

    private readonly List<PolicyModel.Namespace> _namespaces = [];
    private readonly List<PolicyModel.Entity> _entities = [];
    private readonly List<PolicyModel.Tier> _tiers = [];
    private readonly List<PolicyModel.Policy> _policies = [];
    private readonly List<PolicyModel.Profile> _profiles = [];

    public static PolicyScenario Kubernetes()
    {
        var scenario = new PolicyScenario();
        for (var n = 0; n < Namespaces.Length; n++)
        {
            var ns = Namespaces[n];
            scenario._namespaces.Add(new(ns, new Dictionary<string, string> { ["ns"] = ns }));
            scenario._profiles.Add(PolicyModel.KubernetesNamespaceProfile(ns));
            for (var p = 0; p < Pods.Length; p++)
            {
                scenario.Workload(ns, Pods[p], $"10.0.{n + 1}.{p + 1}", new() { ["pod"] = Pods[p] }, [$"kns.{ns}"]);
            }
        }
        return scenario;
    }

    public PolicyScenario Workload(string ns, string name, string ip, Dictionary<string, string> labels, string[] profiles, params PolicyModel.NamedPort[] ports)
    {
        _entities.Add(new(PolicyModel.EntityKind.WorkloadEndpoint, ns, name, labels, [IPNetwork.Parse(ip + "/32")], profiles, ports));
        return this;
    }

    public PolicyScenario Host(string name, string ip, Dictionary<string, string> labels, params string[] profiles)
    {
        _entities.Add(new(PolicyModel.EntityKind.HostEndpoint, null, name, labels, [IPNetwork.Parse(ip + "/32")], profiles, []));
        return this;
    }

    public PolicyScenario NetworkSet(string? ns, string name, Dictionary<string, string> labels, params string[] nets)
    {
        _entities.Add(new(ns is null ? PolicyModel.EntityKind.GlobalNetworkSet : PolicyModel.EntityKind.NetworkSet, ns, name, labels,
            [.. nets.Select(IPNetwork.Parse)], [], []));
        return this;
    }

    public PolicyScenario Tier(string name, double? order, bool defaultPass = false)
    {
        _tiers.Add(new(name, order, defaultPass));
        return this;
    }

    public PolicyScenario Profile(PolicyModel.Profile profile)
    {
        _profiles.RemoveAll(p => p.Name == profile.Name);
        _profiles.Add(profile);
        return this;
    }

    /// <summary>A policy; <paramref name="ns"/> null = GlobalNetworkPolicy. Types default as Calico does unless given.</summary>
    public PolicyScenario Policy(string? ns, string name, string selector, PolicyModel.Rule[]? ingress = null, PolicyModel.Rule[]? egress = null,
        double? order = null, string tier = "default", string? types = null, string? namespaceSelector = null)
    {
        ingress ??= [];
        egress ??= [];
        var (i, e) = types is null ? PolicyModel.Policy.DefaultTypes(ingress.Length, egress.Length) : (types.Contains('I'), types.Contains('E'));
        _policies.Add(new(name, ns, tier, order, Selector.Parse(selector), namespaceSelector is null ? null : Selector.Parse(namespaceSelector), i, e, ingress, egress));
        return this;
    }

    public PolicyEvaluator Build() => new(new PolicyModel(_namespaces, _entities, _tiers, _policies, _profiles));

    public static PolicyModel.Rule Allow(PolicyModel.EntityRule? source = null, PolicyModel.EntityRule? destination = null, int? protocol = null) =>
        new(Action.Allow, Protocol: protocol, Source: source, Destination: destination);

    public static PolicyModel.Rule Deny(PolicyModel.EntityRule? source = null, PolicyModel.EntityRule? destination = null, int? protocol = null) =>
        new(Action.Deny, Protocol: protocol, Source: source, Destination: destination);

    public static PolicyModel.Rule Pass(PolicyModel.EntityRule? source = null) => new(Action.Pass, Source: source);

    public static PolicyModel.EntityRule From(string? selector = null, string? namespaceSelector = null, string? notSelector = null, string[]? nets = null) =>
        new(Selector: selector is null ? null : Selector.Parse(selector),
            NamespaceSelector: namespaceSelector is null ? null : Selector.Parse(namespaceSelector),
            NotSelector: notSelector is null ? null : Selector.Parse(notSelector),
            Nets: nets?.Select(IPNetwork.Parse).ToArray());

    public static PolicyModel.EntityRule Ports(params object[] ports) =>
        new(Ports: [.. ports.Select(p => p switch
        {
            int n => PolicyModel.PortMatch.Number(n),
            string s when s.Contains(':') => new PolicyModel.PortMatch(int.Parse(s.Split(':')[0]), int.Parse(s.Split(':')[1])),
            string s => PolicyModel.PortMatch.Named(s),
            _ => throw new ArgumentException("port"),
        })]);
}
