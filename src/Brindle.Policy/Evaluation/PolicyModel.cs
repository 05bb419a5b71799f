using System.Net;

namespace Brindle.Policy;

/// <summary>
/// Everything the evaluator needs, already validated and parsed: namespaces, labelled entities (workload and host
/// endpoints, network sets), tiers, policies and profiles. Built from Brindle.Api resources by
/// <c>PolicyModelBuilder</c>, or directly by tests.
/// </summary>
public sealed record PolicyModel(
    IReadOnlyList<PolicyModel.Namespace> Namespaces,
    IReadOnlyList<PolicyModel.Entity> Entities,
    IReadOnlyList<PolicyModel.Tier> Tiers,
    IReadOnlyList<PolicyModel.Policy> Policies,
    IReadOnlyList<PolicyModel.Profile> Profiles)
{
    /// <summary>Order of the implicit <c>default</c> tier.</summary>
    public const double DefaultTierOrder = 1_000_000;

    public const string DefaultTierName = "default";

    /// <summary>The profile Calico gives every pod of a Kubernetes namespace: one Allow rule each way.</summary>
    public static Profile KubernetesNamespaceProfile(string ns) =>
        new($"kns.{ns}", new Dictionary<string, string>(), [new Rule(Action.Allow)], [new Rule(Action.Allow)]);

    public sealed record Namespace(string Name, IReadOnlyDictionary<string, string> Labels);

    public enum EntityKind
    {
        WorkloadEndpoint,
        HostEndpoint,
        NetworkSet,
        GlobalNetworkSet,
    }

    /// <summary>Something with labels and addresses that rule selectors can match.</summary>
    /// <param name="Namespace">Null for host endpoints and global network sets.</param>
    /// <param name="Nets">Endpoint addresses as /32 or /128, or a network set's CIDRs.</param>
    /// <param name="Profiles">Endpoints only, in priority order.</param>
    public sealed record Entity(
        EntityKind Kind,
        string? Namespace,
        string Name,
        IReadOnlyDictionary<string, string> Labels,
        IReadOnlyList<IPNetwork> Nets,
        IReadOnlyList<string> Profiles,
        IReadOnlyList<NamedPort> Ports)
    {
        public bool IsEndpoint => Kind is EntityKind.WorkloadEndpoint or EntityKind.HostEndpoint;

        /// <summary><c>namespace/name</c>, or <c>name</c> when not namespaced.</summary>
        public string Id => Namespace is null ? Name : $"{Namespace}/{Name}";
    }

    /// <param name="Protocol">IANA protocol number.</param>
    public sealed record NamedPort(string Name, int Protocol, int Port);

    /// <param name="Order">Lower first; null = after every ordered tier.</param>
    /// <param name="DefaultPass">True if unmatched traffic passes to the next tier instead of being denied.</param>
    public sealed record Tier(string Name, double? Order, bool DefaultPass);

    /// <param name="Namespace">Null for a GlobalNetworkPolicy.</param>
    /// <param name="NamespaceSelector">GlobalNetworkPolicy only: limits it to endpoints in matching namespaces.</param>
    public sealed record Policy(
        string Name,
        string? Namespace,
        string Tier,
        double? Order,
        Selector Selector,
        Selector? NamespaceSelector,
        bool AppliesToIngress,
        bool AppliesToEgress,
        IReadOnlyList<Rule> Ingress,
        IReadOnlyList<Rule> Egress)
    {
        public string Id => Namespace is null ? Name : $"{Namespace}/{Name}";

        /// <summary>Calico's defaulting when <c>types</c> is omitted: Egress only if there are egress rules and no ingress rules; both if both; else Ingress.</summary>
        public static (bool Ingress, bool Egress) DefaultTypes(int ingressRules, int egressRules) =>
            (ingressRules > 0 || egressRules == 0, egressRules > 0);
    }

    public sealed record Profile(string Name, IReadOnlyDictionary<string, string> LabelsToApply, IReadOnlyList<Rule> Ingress, IReadOnlyList<Rule> Egress);

    public enum Action
    {
        Allow,
        Deny,
        Log,
        Pass,
    }

    /// <param name="Protocol">IANA number, or null for any.</param>
    public sealed record Rule(
        Action Action,
        int? IpVersion = null,
        int? Protocol = null,
        int? NotProtocol = null,
        IcmpMatch? Icmp = null,
        IcmpMatch? NotIcmp = null,
        EntityRule? Source = null,
        EntityRule? Destination = null)
    {
        /// <summary>If set, the rule cannot be evaluated here (the reason) and never matches.</summary>
        public string? Unsupported { get; init; }

        public EntityRule SourceRule => Source ?? EntityRule.Any;

        public EntityRule DestinationRule => Destination ?? EntityRule.Any;
    }

    public sealed record IcmpMatch(int? Type, int? Code);

    public sealed record EntityRule(
        IReadOnlyList<IPNetwork>? Nets = null,
        IReadOnlyList<IPNetwork>? NotNets = null,
        Selector? Selector = null,
        Selector? NotSelector = null,
        Selector? NamespaceSelector = null,
        IReadOnlyList<PortMatch>? Ports = null,
        IReadOnlyList<PortMatch>? NotPorts = null)
    {
        public static EntityRule Any { get; } = new();

        public bool HasSelectorFields => Selector is not null || NotSelector is not null || NamespaceSelector is not null;
    }

    /// <summary>A port, an inclusive range, or a named port (<see cref="Name"/> set).</summary>
    public sealed record PortMatch(int Min, int Max, string? Name = null)
    {
        public static PortMatch Number(int port) => new(port, port);

        public static PortMatch Named(string name) => new(0, 0, name);

        public override string ToString() => Name ?? (Min == Max ? $"{Min}" : $"{Min}:{Max}");
    }
}
