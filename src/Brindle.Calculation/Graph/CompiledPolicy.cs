using Brindle.Calculation.Messages;
using Brindle.Policy;
using DataplaneRule = Brindle.Calculation.Messages.Rule;

namespace Brindle.Calculation;

/// <summary>Where a policy is enforced: normal policy, or (GlobalNetworkPolicy on host endpoints only) untracked or pre-DNAT.</summary>
internal enum PolicyHook
{
    Normal,
    Untracked,
    PreDnat,
}

/// <summary>
/// A NetworkPolicy or GlobalNetworkPolicy in the form the graph works with: its endpoint selector with namespace scoping
/// applied, its sort keys, the directions it applies to, and its rules already in dataplane form with the IP sets they need.
/// </summary>
internal sealed record CompiledPolicy(
    PolicyId Id,
    double? Order,
    string Name,
    string Namespace,
    Selector Selector,
    bool AppliesToIngress,
    bool AppliesToEgress,
    PolicyHook Hook,
    ValueList<DataplaneRule> InboundRules,
    ValueList<DataplaneRule> OutboundRules,
    IReadOnlyList<IPSetDefinition> IPSets)
{
    public ActivePolicyUpdate ToMessage() => new(Id, InboundRules, OutboundRules);
}

/// <summary>A profile's rules in dataplane form, with the IP sets they need.</summary>
internal sealed record CompiledProfile(
    string Id,
    ValueList<DataplaneRule> InboundRules,
    ValueList<DataplaneRule> OutboundRules,
    IReadOnlyList<IPSetDefinition> IPSets)
{
    /// <summary>Calico's <c>DummyDropRules</c>: what a referenced but missing profile renders as, so its endpoints are never open.</summary>
    public static CompiledProfile DenyAll(string id) =>
        new(id, [new DataplaneRule(RuleAction.Deny)], [new DataplaneRule(RuleAction.Deny)], []);

    /// <summary>
    /// What a profile id that no Profile resource defines renders as: a namespace profile (<c>kns.&lt;ns&gt;</c>) is
    /// implied by the namespace its endpoints live in and allows everything (as <c>PolicyModelBuilder</c> does); any
    /// other is deny-all.
    /// </summary>
    public static CompiledProfile ForMissing(string id) =>
        id.StartsWith(CalculationLabels.NamespaceProfilePrefix, StringComparison.Ordinal) ? AllowAll(id) : DenyAll(id);

    /// <summary>The profile a Kubernetes namespace implies: allow everything in both directions (Calico's <c>kns.&lt;ns&gt;</c>).</summary>
    public static CompiledProfile AllowAll(string id) =>
        new(id, [new DataplaneRule(RuleAction.Allow)], [new DataplaneRule(RuleAction.Allow)], []);

    public ActiveProfileUpdate ToMessage() => new(Id, InboundRules, OutboundRules);
}
