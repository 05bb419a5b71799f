using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>A VM or container interface (namespaced).</summary>
public sealed record WorkloadEndpoint : Resource
{
    public WorkloadEndpointSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.WorkloadEndpoint;
}

public sealed record WorkloadEndpointSpec
{
    public string? Orchestrator { get; init; }

    public string? Workload { get; init; }

    public string? Node { get; init; }

    [JsonPropertyName("containerID")]
    public string? ContainerId { get; init; }

    public string? Pod { get; init; }

    public string? Endpoint { get; init; }

    public string? ServiceAccountName { get; init; }

    [JsonPropertyName("ipNetworks")]
    public EquatableArray<Cidr> IPNetworks { get; init; }

    [JsonPropertyName("ipNATs")]
    public EquatableArray<IPNat> IPNats { get; init; }

    [JsonPropertyName("ipv4Gateway")]
    public string? IPv4Gateway { get; init; }

    [JsonPropertyName("ipv6Gateway")]
    public string? IPv6Gateway { get; init; }

    public EquatableArray<string> Profiles { get; init; }

    public string? InterfaceName { get; init; }

    public string? Mac { get; init; }

    public EquatableArray<EndpointPort> Ports { get; init; }

    public EquatableArray<Cidr> AllowSpoofedSourcePrefixes { get; init; }
}

/// <summary>1:1 NAT (a floating IP).</summary>
public sealed record IPNat
{
    [JsonPropertyName("internalIP")]
    public required string InternalIP { get; init; }

    [JsonPropertyName("externalIP")]
    public required string ExternalIP { get; init; }
}

/// <summary>A named port on an endpoint, referenced by rules' named ports.</summary>
public sealed record EndpointPort
{
    public required string Name { get; init; }

    public required Protocol Protocol { get; init; }

    public required long Port { get; init; }

    public long? HostPort { get; init; }

    [JsonPropertyName("hostIP")]
    public string? HostIP { get; init; }
}

/// <summary>A host interface (or all of them, <c>interfaceName: "*"</c>) protected by policy.</summary>
public sealed record HostEndpoint : Resource
{
    public HostEndpointSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.HostEndpoint;
}

public sealed record HostEndpointSpec
{
    public string? Node { get; init; }

    public string? InterfaceName { get; init; }

    [JsonPropertyName("expectedIPs")]
    public EquatableArray<string> ExpectedIPs { get; init; }

    public EquatableArray<string> Profiles { get; init; }

    public EquatableArray<EndpointPort> Ports { get; init; }
}
