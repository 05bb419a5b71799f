namespace Brindle.Api;

/// <summary>Labelled CIDRs selectable by policy in one namespace.</summary>
public sealed record NetworkSet : Resource
{
    public NetworkSetSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.NetworkSet;
}

/// <summary>Labelled CIDRs selectable by any policy (from namespaced ones via <c>namespaceSelector: global()</c>).</summary>
public sealed record GlobalNetworkSet : Resource
{
    public NetworkSetSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.GlobalNetworkSet;
}

public sealed record NetworkSetSpec
{
    public EquatableArray<Cidr> Nets { get; init; }
}
