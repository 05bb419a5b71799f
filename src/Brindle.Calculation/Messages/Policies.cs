namespace Brindle.Calculation.Messages;

/// <summary>
/// A policy's key: its tier and its name. For a namespaced NetworkPolicy the name is <c>namespace/name</c>; for a
/// GlobalNetworkPolicy it is the plain name (so the two can never collide).
/// </summary>
public sealed record PolicyId(string Tier, string Name)
{
    public override string ToString() => $"{Tier}/{Name}";
}

/// <summary>
/// A policy used by at least one local endpoint, in dataplane form: selectors already turned into IP set ids,
/// namespace scoping already folded into those sets. Inbound rules police ingress, outbound rules egress.
/// </summary>
public sealed record ActivePolicyUpdate(PolicyId Id, ValueList<Rule> InboundRules, ValueList<Rule> OutboundRules) : DataplaneMessage;

/// <summary>No local endpoint uses the policy any more (or it was deleted).</summary>
public sealed record ActivePolicyRemove(PolicyId Id) : DataplaneMessage;

/// <summary>A profile used by at least one local endpoint (e.g. <c>kns.default</c>), in dataplane form.</summary>
public sealed record ActiveProfileUpdate(string Id, ValueList<Rule> InboundRules, ValueList<Rule> OutboundRules) : DataplaneMessage;

/// <summary>No local endpoint uses the profile any more (or it was deleted).</summary>
public sealed record ActiveProfileRemove(string Id) : DataplaneMessage;
