using System.Net;
using Brindle.Api;

namespace Brindle.Policy;

/// <summary>The model built from resources, with the problems found (the model leaves out what could not be used).</summary>
public sealed record PolicyModelBuildResult(PolicyModel Model, IReadOnlyList<ResourceError> Errors, IReadOnlyList<string> Notes);

/// <summary>
/// Turns Brindle.Api resources (Namespace, WorkloadEndpoint, HostEndpoint, Profile, Tier, NetworkPolicy,
/// GlobalNetworkPolicy, NetworkSet, GlobalNetworkSet) into a <see cref="PolicyModel"/>; other kinds are ignored.
/// </summary>
/// <remarks>
/// Every bad selector is reported with kind, name and field. Kubernetes conventions Calico applies are applied here:
/// every Namespace gets the <c>kns.&lt;namespace&gt;</c> allow-all profile unless one is given, and a workload endpoint
/// with orchestrator <c>k8s</c> and no profiles gets <c>kns.&lt;namespace&gt;</c>. Policies with doNotTrack or preDNAT
/// only act on host endpoints' raw/pre-DNAT paths and are left out (with a note).
/// </remarks>
public static class PolicyModelBuilder
{
    public static PolicyModelBuildResult Build(IEnumerable<Resource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var context = new BuildContext();
        var namespaces = new List<PolicyModel.Namespace>();
        var entities = new List<PolicyModel.Entity>();
        var tiers = new List<PolicyModel.Tier>();
        var policies = new List<PolicyModel.Policy>();
        var profiles = new List<PolicyModel.Profile>();
        foreach (var resource in resources)
        {
            context.Resource = resource;
            switch (resource)
            {
                case KubernetesNamespace ns:
                    namespaces.Add(new(ns.Name, Labels(ns.Metadata.Labels)));
                    break;
                case WorkloadEndpoint wep:
                    var weProfiles = wep.Spec.Profiles.ToList();
                    if (weProfiles.Count == 0 && wep.Spec.Orchestrator == "k8s" && wep.Namespace is { } weNs) weProfiles.Add($"kns.{weNs}");
                    entities.Add(new(PolicyModel.EntityKind.WorkloadEndpoint, wep.Namespace ?? "default", wep.Name, Labels(wep.Metadata.Labels),
                        [.. wep.Spec.IPNetworks.Select(c => c.Network)], weProfiles, Ports(wep.Spec.Ports)));
                    break;
                case HostEndpoint hep:
                    entities.Add(new(PolicyModel.EntityKind.HostEndpoint, null, hep.Name, Labels(hep.Metadata.Labels),
                        [.. hep.Spec.ExpectedIPs.Select(ip => IPAddress.TryParse(ip, out var a) ? new IPNetwork(a, a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) : default).Where(n => n != default)],
                        [.. hep.Spec.Profiles], Ports(hep.Spec.Ports)));
                    break;
                case NetworkSet set:
                    entities.Add(new(PolicyModel.EntityKind.NetworkSet, set.Namespace ?? "default", set.Name, Labels(set.Metadata.Labels), [.. set.Spec.Nets.Select(c => c.Network)], [], []));
                    break;
                case GlobalNetworkSet set:
                    entities.Add(new(PolicyModel.EntityKind.GlobalNetworkSet, null, set.Name, Labels(set.Metadata.Labels), [.. set.Spec.Nets.Select(c => c.Network)], [], []));
                    break;
                case Brindle.Api.Tier tier:
                    tiers.Add(new(tier.Name, tier.Spec.Order, tier.Spec.DefaultAction == TierDefaultAction.Pass));
                    break;
                case Brindle.Api.Profile profile:
                    profiles.Add(new(profile.Name, Labels(profile.Spec.LabelsToApply), context.Rules(profile.Spec.Ingress, "spec.ingress"), context.Rules(profile.Spec.Egress, "spec.egress")));
                    break;
                case NetworkPolicy policy:
                    if (context.Policy(policy.Spec, policy.Namespace ?? "default", null) is { } np) policies.Add(np);
                    break;
                case GlobalNetworkPolicy policy when policy.Spec.DoNotTrack == true || policy.Spec.PreDnat == true:
                    context.Notes.Add($"{policy.Describe()}: doNotTrack/preDNAT policies act only on host endpoints' untracked or pre-DNAT traffic; not simulated.");
                    break;
                case GlobalNetworkPolicy policy:
                    if (context.Policy(policy.Spec, null, context.Selector(policy.Spec.NamespaceSelector, "spec.namespaceSelector")) is { } gnp) policies.Add(gnp);
                    break;
            }
        }
        var profileNames = profiles.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var knsNeeded = namespaces.Select(n => $"kns.{n.Name}")
            .Concat(entities.Where(e => e.Kind == PolicyModel.EntityKind.WorkloadEndpoint).SelectMany(e => e.Profiles).Where(p => p.StartsWith("kns.", StringComparison.Ordinal)));
        foreach (var name in knsNeeded.Distinct(StringComparer.Ordinal).Where(n => !profileNames.Contains(n)).ToList())
        {
            profiles.Add(PolicyModel.KubernetesNamespaceProfile(name["kns.".Length..]));
        }
        return new(new PolicyModel(namespaces, entities, tiers, policies, profiles), context.Errors, context.Notes);
    }

    private static Dictionary<string, string> Labels(EquatableMap<string> labels) => labels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    private static PolicyModel.NamedPort[] Ports(EquatableArray<EndpointPort> ports) =>
        [.. ports.Where(p => p.Protocol.NumberValue is not null).Select(p => new PolicyModel.NamedPort(p.Name, (int)p.Protocol.NumberValue!.Value, (int)p.Port))];

    /// <summary>Per-resource conversion state: which resource is being read, and what went wrong.</summary>
    private sealed class BuildContext
    {
        public Resource Resource { get; set; } = null!;

        public List<ResourceError> Errors { get; } = [];

        public List<string> Notes { get; } = [];

        public PolicyModel.Policy? Policy(PolicySpec spec, string? ns, Selector? namespaceSelector)
        {
            var errorsBefore = Errors.Count;
            var selector = Selector(spec.Selector, "spec.selector") ?? Brindle.Policy.Selector.All;
            var ingress = Rules(spec.Ingress, "spec.ingress");
            var egress = Rules(spec.Egress, "spec.egress");
            if (Errors.Count > errorsBefore) return null;
            var (i, e) = spec.Types.Count == 0
                ? PolicyModel.Policy.DefaultTypes(spec.Ingress.Count, spec.Egress.Count)
                : (spec.Types.Contains(PolicyType.Ingress), spec.Types.Contains(PolicyType.Egress));
            return new PolicyModel.Policy(Resource.Name, ns, spec.TierName, spec.Order, selector, namespaceSelector, i, e, ingress, egress);
        }

        public PolicyModel.Rule[] Rules(EquatableArray<Rule> rules, string field) =>
            [.. rules.Select((rule, index) => Rule(rule, $"{field}[{index}]"))];

        private PolicyModel.Rule Rule(Rule rule, string field)
        {
            // Model what the node enforces (RuleCompiler): a rule matching on http or services cannot be rendered into
            // nftables, so the dataplane fails closed — an Allow/Log rule with them never matches, and a Deny/Pass rule
            // becomes a Deny without those criteria. Simulation must give the verdict real packets get.
            if (rule.Http is not null || rule.Source.Services is not null || rule.Destination.Services is not null)
            {
                if (rule.Action is RuleAction.Allow or RuleAction.Log)
                {
                    Notes.Add($"{Resource.Describe()} {field}: http/services matches cannot be enforced by the dataplane; this {rule.Action} rule never matches (fail closed).");
                    return new PolicyModel.Rule(Action(rule.Action)) { Unsupported = "it matches on http/services, which the dataplane cannot enforce, so it never allows (fail closed)" };
                }
                Notes.Add($"{Resource.Describe()} {field}: http/services matches cannot be enforced by the dataplane; this rule is enforced as a Deny without them (fail closed).");
                rule = rule with
                {
                    Action = RuleAction.Deny,
                    Http = null,
                    Source = rule.Source with { Services = null },
                    Destination = rule.Destination with { Services = null },
                };
            }
            if (rule.Source.ServiceAccounts is not null || rule.Destination.ServiceAccounts is not null)
            {
                Notes.Add($"{Resource.Describe()} {field}: serviceAccounts matches are not simulated; the rule is treated as never matching.");
                return new PolicyModel.Rule(Action(rule.Action)) { Unsupported = "it matches on serviceAccounts, which simulation cannot evaluate" };
            }
            return new PolicyModel.Rule(
                Action(rule.Action),
                rule.IpVersion,
                Protocol(rule.Protocol, $"{field}.protocol"),
                Protocol(rule.NotProtocol, $"{field}.notProtocol"),
                rule.Icmp is { } icmp ? new(icmp.Type, icmp.Code) : null,
                rule.NotIcmp is { } notIcmp ? new(notIcmp.Type, notIcmp.Code) : null,
                Entity(rule.Source, $"{field}.source"),
                Entity(rule.Destination, $"{field}.destination"));
        }

        private static PolicyModel.Action Action(RuleAction action) => action switch
        {
            RuleAction.Allow => PolicyModel.Action.Allow,
            RuleAction.Deny => PolicyModel.Action.Deny,
            RuleAction.Pass => PolicyModel.Action.Pass,
            _ => PolicyModel.Action.Log,
        };

        private int? Protocol(Protocol? protocol, string field)
        {
            if (protocol is null) return null;
            if (protocol.NumberValue is { } n) return (int)n;
            Errors.Add(Error(field, $"unknown protocol '{protocol}'"));
            return null;
        }

        private PolicyModel.EntityRule Entity(EntityRule rule, string field) => new(
            Nets: rule.Nets.Count == 0 ? null : [.. rule.Nets.Select(c => c.Network)],
            NotNets: rule.NotNets.Count == 0 ? null : [.. rule.NotNets.Select(c => c.Network)],
            Selector: Selector(rule.Selector, $"{field}.selector"),
            NotSelector: Selector(rule.NotSelector, $"{field}.notSelector"),
            NamespaceSelector: Selector(rule.NamespaceSelector, $"{field}.namespaceSelector"),
            Ports: rule.Ports.Count == 0 ? null : [.. rule.Ports.Select(PortMatch)],
            NotPorts: rule.NotPorts.Count == 0 ? null : [.. rule.NotPorts.Select(PortMatch)]);

        private static PolicyModel.PortMatch PortMatch(Port port) =>
            port.Name is { } name ? PolicyModel.PortMatch.Named(name) : new((int)port.MinPort, (int)port.MaxPort);

        /// <summary>Null for an absent or empty selector; a parse error is recorded.</summary>
        public Selector? Selector(string? text, string field)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (Brindle.Policy.Selector.TryParse(text, out var selector, out var error)) return selector;
            Errors.Add(Error(field, error.Message));
            return null;
        }

        private ResourceError Error(string field, string reason) => new(null, null, Resource.Kind, Resource.QualifiedName, field, reason);
    }
}
