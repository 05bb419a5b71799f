namespace Brindle.Policy;

public enum PolicyDirection
{
    Ingress,
    Egress,
}

/// <summary>What decided one side's verdict.</summary>
public enum DecisionKind
{
    /// <summary>The peer is not a Calico endpoint: nothing is evaluated on its side (counts as allowed).</summary>
    External,

    /// <summary>A policy rule with Allow or Deny.</summary>
    PolicyRule,

    /// <summary>A tier had applicable policies but none decided; its default action (Deny) applied.</summary>
    EndOfTier,

    /// <summary>A profile rule with Allow or Deny.</summary>
    ProfileRule,

    /// <summary>The endpoint lists a profile that does not exist; Calico drops everything for it.</summary>
    ProfileMissing,

    /// <summary>No tier decided and no profile rule matched (or there are no profiles): denied.</summary>
    DefaultDeny,
}

/// <summary>One side's verdict: allowed or not, what decided, and (when traced) each step in plain words.</summary>
public sealed record DirectionVerdict(
    PolicyDirection Direction,
    bool Allowed,
    DecisionKind Kind,
    string? Tier = null,
    string? Policy = null,
    int? RuleIndex = null,
    string? Profile = null,
    IReadOnlyList<string>? Trace = null)
{
    public string Action => Allowed ? "Allow" : "Deny";

    /// <summary>One phrase, e.g. <c>tier default, policy ns1/allow-web, rule 0 (Allow)</c>.</summary>
    public string Describe() => Kind switch
    {
        DecisionKind.External => "not evaluated (external peer)",
        DecisionKind.PolicyRule => $"tier {Tier}, policy {Policy}, rule {RuleIndex} ({Action})",
        DecisionKind.EndOfTier => $"end of tier {Tier}: no policy rule matched (Deny)",
        DecisionKind.ProfileRule => $"profile {Profile}, rule {RuleIndex} ({Action})",
        DecisionKind.ProfileMissing => $"profile {Profile} does not exist (Deny)",
        _ => Tier is null ? "no policy applies and no profile rule matched (default Deny)" : $"passed through tier {Tier}; no profile rule matched (default Deny)",
    };
}

/// <summary>The final verdict: allowed only if the source's egress and the destination's ingress both allow.</summary>
public sealed record ConnectionVerdict(PolicyConnection Connection, DirectionVerdict Egress, DirectionVerdict Ingress)
{
    public bool Allowed => Egress.Allowed && Ingress.Allowed;
}
