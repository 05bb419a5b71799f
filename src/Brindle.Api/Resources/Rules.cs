using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>
/// One policy or profile rule. All present match criteria must hold (logical AND); the first matching
/// rule decides (Allow/Deny final, Pass ends the tier, Log continues).
/// </summary>
public sealed record Rule
{
    public required RuleAction Action { get; init; }

    /// <summary>4 or 6; restricts the rule to one IP family.</summary>
    public int? IpVersion { get; init; }

    public Protocol? Protocol { get; init; }

    public IcmpFields? Icmp { get; init; }

    public Protocol? NotProtocol { get; init; }

    [JsonPropertyName("notICMP")]
    public IcmpFields? NotIcmp { get; init; }

    /// <summary>The client side of the connection (for ingress and egress rules alike).</summary>
    public EntityRule Source { get; init; } = new();

    /// <summary>The server side of the connection.</summary>
    public EntityRule Destination { get; init; } = new();

    public HttpMatch? Http { get; init; }

    public RuleMetadata? Metadata { get; init; }
}

/// <summary>Match criteria for one side of a connection.</summary>
public sealed record EntityRule
{
    public EquatableArray<Cidr> Nets { get; init; }

    public string? Selector { get; init; }

    /// <summary>Scopes <see cref="Selector"/>: namespaces by label; <c>global()</c> = non-namespaced entities.</summary>
    public string? NamespaceSelector { get; init; }

    public ServiceMatch? Services { get; init; }

    public EquatableArray<Port> Ports { get; init; }

    public EquatableArray<Cidr> NotNets { get; init; }

    public string? NotSelector { get; init; }

    public EquatableArray<Port> NotPorts { get; init; }

    public ServiceAccountMatch? ServiceAccounts { get; init; }
}

public sealed record IcmpFields
{
    /// <summary>ICMP type 0-254.</summary>
    public int? Type { get; init; }

    /// <summary>ICMP code 0-255; only with a type.</summary>
    public int? Code { get; init; }
}

public sealed record ServiceAccountMatch
{
    public EquatableArray<string> Names { get; init; }

    public string? Selector { get; init; }
}

public sealed record ServiceMatch
{
    public string? Name { get; init; }

    public string? Namespace { get; init; }
}

/// <summary>Application-layer match (needs an L7 proxy; kept for compatibility).</summary>
public sealed record HttpMatch
{
    public EquatableArray<string> Methods { get; init; }

    public EquatableArray<HttpPath> Paths { get; init; }
}

public sealed record HttpPath
{
    public string? Exact { get; init; }

    public string? Prefix { get; init; }
}

public sealed record RuleMetadata
{
    public EquatableMap<string> Annotations { get; init; }
}
