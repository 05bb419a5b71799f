using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>Fields shared by NetworkPolicy and GlobalNetworkPolicy (in Calico's field order).</summary>
public abstract record PolicySpec
{
    /// <summary>Tier name; null means <c>default</c>.</summary>
    public string? Tier { get; init; }

    /// <summary>Lower first; null = after every ordered policy.</summary>
    public double? Order { get; init; }

    public EquatableArray<Rule> Ingress { get; init; }

    public EquatableArray<Rule> Egress { get; init; }

    /// <summary>Endpoints the policy applies to; null or empty means <c>all()</c>.</summary>
    public string? Selector { get; init; }

    /// <summary>Directions the policy applies to; empty means "derive from the rules" (<see cref="ResourceDefaults"/>).</summary>
    public EquatableArray<PolicyType> Types { get; init; }

    public string? ServiceAccountSelector { get; init; }

    public EquatableArray<string> PerformanceHints { get; init; }

    /// <summary>The tier with <c>default</c> for null.</summary>
    public string TierName => string.IsNullOrEmpty(Tier) ? Brindle.Api.Tier.DefaultName : Tier;
}

/// <summary>A policy for endpoints in its own namespace.</summary>
public sealed record NetworkPolicy : Resource
{
    public NetworkPolicySpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.NetworkPolicy;
}

public sealed record NetworkPolicySpec : PolicySpec;

/// <summary>A policy for endpoints of every namespace and host endpoints.</summary>
public sealed record GlobalNetworkPolicy : Resource
{
    public GlobalNetworkPolicySpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.GlobalNetworkPolicy;
}

public sealed record GlobalNetworkPolicySpec : PolicySpec
{
    public bool? DoNotTrack { get; init; }

    [JsonPropertyName("preDNAT")]
    public bool? PreDnat { get; init; }

    public bool? ApplyOnForward { get; init; }

    public string? NamespaceSelector { get; init; }
}

/// <summary>An ordered group of policies; Pass jumps to the next tier.</summary>
public sealed record Tier : Resource
{
    /// <summary>The implicit tier of policies that name none.</summary>
    public const string DefaultName = "default";

    /// <summary>Order of the <c>default</c> tier (Calico's api/pkg/apis/projectcalico/v3/tier.go).</summary>
    public const double DefaultTierOrder = 1_000_000;

    public TierSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.Tier;
}

public sealed record TierSpec
{
    /// <summary>Lower first; null = last.</summary>
    public double? Order { get; init; }

    public TierDefaultAction? DefaultAction { get; init; }
}

/// <summary>Rules and labels shared by the endpoints that list the profile.</summary>
public sealed record Profile : Resource
{
    public ProfileSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.Profile;
}

public sealed record ProfileSpec
{
    public EquatableArray<Rule> Ingress { get; init; }

    public EquatableArray<Rule> Egress { get; init; }

    public EquatableMap<string> LabelsToApply { get; init; }
}
