using Brindle.Api;
using Brindle.Calculation.Messages;
using ApiRule = Brindle.Api.Rule;
using ApiRuleAction = Brindle.Api.RuleAction;

namespace Brindle.Calculation.Tests;

/// <summary>A graph for node <c>node1</c> wired to a <see cref="DataplaneModel"/>; every message is checked as it arrives.</summary>
internal sealed class Scenario
{
    public const string Node = "node1";

    public Scenario()
    {
        Graph = new CalculationGraph(Node, message =>
        {
            Messages.Add(message);
            Model.Apply(message);
        });
    }

    public CalculationGraph Graph { get; }

    public DataplaneModel Model { get; } = new();

    public List<DataplaneMessage> Messages { get; } = [];

    public Scenario Put(params Resource[] resources)
    {
        foreach (var resource in resources) Graph.OnUpdate(ResourceUpdate.Of(resource));
        return this;
    }

    public Scenario Delete(params Resource[] resources)
    {
        foreach (var resource in resources) Graph.OnUpdate(ResourceUpdate.Deletion(resource));
        return this;
    }

    /// <summary>Messages emitted by <paramref name="action"/>.</summary>
    public List<DataplaneMessage> Capture(Action<Scenario> action)
    {
        var before = Messages.Count;
        action(this);
        return Messages[before..];
    }

    public WorkloadEndpointUpdate Workload(string ns, string name) =>
        Model.Workloads.Values.Single(w => w.Id.WorkloadId == $"{ns}/{name}");
}

/// <summary>Terse builders for the resources the scenarios use.</summary>
internal static class R
{
    public static EquatableMap<string> Labels(params string[] pairs) =>
        EquatableMap.Create([.. pairs.Select(p => p.Split('=')).Select(kv => (kv[0], kv[1]))]);

    public static WorkloadEndpoint Wep(string ns, string name, string ip, string node = Scenario.Node, string labels = "", params string[] profiles) => new()
    {
        Metadata = new() { Name = name, Namespace = ns, Labels = Labels(Split(labels)) },
        Spec = new()
        {
            Orchestrator = "k8s",
            Node = node,
            Pod = name,
            Endpoint = "eth0",
            InterfaceName = "cali" + name,
            IPNetworks = [Cidr.Parse(ip + "/32")],
            Profiles = profiles,
        },
    };

    public static HostEndpoint Hep(string name, string ip, string node = Scenario.Node, string labels = "", params string[] profiles) => new()
    {
        Metadata = new() { Name = name, Labels = Labels(Split(labels)) },
        Spec = new() { Node = node, InterfaceName = "eth0", ExpectedIPs = [ip], Profiles = profiles },
    };

    public static KubernetesNamespace Ns(string name, string labels = "") => new()
    {
        Metadata = new() { Name = name, Labels = Labels(Split(labels)) },
    };

    public static NetworkPolicy Np(string ns, string name, string selector, double? order = null, string? tier = null, ApiRule[]? ingress = null, ApiRule[]? egress = null, PolicyType[]? types = null) => new()
    {
        Metadata = new() { Name = name, Namespace = ns },
        Spec = new() { Selector = selector, Order = order, Tier = tier, Ingress = ingress ?? [], Egress = egress ?? [], Types = types ?? [] },
    };

    public static GlobalNetworkPolicy Gnp(string name, string selector, double? order = null, string? tier = null, ApiRule[]? ingress = null, ApiRule[]? egress = null, string? namespaceSelector = null) => new()
    {
        Metadata = new() { Name = name },
        Spec = new() { Selector = selector, Order = order, Tier = tier, Ingress = ingress ?? [], Egress = egress ?? [], NamespaceSelector = namespaceSelector },
    };

    public static Tier Tier(string name, double? order, Api.TierDefaultAction? action = null) => new()
    {
        Metadata = new() { Name = name },
        Spec = new() { Order = order, DefaultAction = action },
    };

    public static Profile Profile(string name, ApiRule[]? ingress = null, ApiRule[]? egress = null, string labels = "") => new()
    {
        Metadata = new() { Name = name },
        Spec = new() { Ingress = ingress ?? [], Egress = egress ?? [], LabelsToApply = Labels(Split(labels)) },
    };

    public static GlobalNetworkSet Gns(string name, string labels, params string[] nets) => new()
    {
        Metadata = new() { Name = name, Labels = Labels(Split(labels)) },
        Spec = new() { Nets = [.. nets.Select(Cidr.Parse)] },
    };

    public static NetworkSet NetSet(string ns, string name, string labels, params string[] nets) => new()
    {
        Metadata = new() { Name = name, Namespace = ns, Labels = Labels(Split(labels)) },
        Spec = new() { Nets = [.. nets.Select(Cidr.Parse)] },
    };

    public static IPPool Pool(string name, string cidr, bool nat) => new()
    {
        Metadata = new() { Name = name },
        Spec = new() { Cidr = Cidr.Parse(cidr), NatOutgoing = nat },
    };

    public static ApiRule Allow(string? srcSelector = null, string? dstSelector = null, string? srcNamespaceSelector = null, string? srcNotSelector = null) =>
        Rule(ApiRuleAction.Allow, srcSelector, dstSelector, srcNamespaceSelector, srcNotSelector);

    public static ApiRule Deny(string? srcSelector = null, string? dstSelector = null) => Rule(ApiRuleAction.Deny, srcSelector, dstSelector, null, null);

    public static ApiRule Rule(ApiRuleAction action, string? srcSelector, string? dstSelector, string? srcNamespaceSelector, string? srcNotSelector) => new()
    {
        Action = action,
        Source = new() { Selector = srcSelector, NamespaceSelector = srcNamespaceSelector, NotSelector = srcNotSelector },
        Destination = new() { Selector = dstSelector },
    };

    private static string[] Split(string labels) => labels.Length == 0 ? [] : labels.Split(',', StringSplitOptions.TrimEntries);
}
