using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>A host running the Brindle agent; its BGP identity and tunnel addresses.</summary>
public sealed record Node : Resource
{
    public NodeSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.Node;
}

public sealed record NodeSpec
{
    public NodeBgpSpec? Bgp { get; init; }

    [JsonPropertyName("ipv4VXLANTunnelAddr")]
    public string? IPv4VxlanTunnelAddr { get; init; }

    [JsonPropertyName("vxlanTunnelMACAddr")]
    public string? VxlanTunnelMacAddr { get; init; }

    [JsonPropertyName("ipv6VXLANTunnelAddr")]
    public string? IPv6VxlanTunnelAddr { get; init; }

    [JsonPropertyName("vxlanTunnelMACAddrV6")]
    public string? VxlanTunnelMacAddrV6 { get; init; }

    public EquatableArray<OrchestratorReference> OrchRefs { get; init; }

    public NodeWireguardSpec? Wireguard { get; init; }

    public EquatableArray<NodeAddress> Addresses { get; init; }
}

public sealed record NodeBgpSpec
{
    public long? AsNumber { get; init; }

    /// <summary>Interface address with prefix length, e.g. <c>10.244.0.1/24</c> (host bits allowed).</summary>
    [JsonPropertyName("ipv4Address")]
    public string? IPv4Address { get; init; }

    [JsonPropertyName("ipv6Address")]
    public string? IPv6Address { get; init; }

    [JsonPropertyName("ipv4IPIPTunnelAddr")]
    public string? IPv4IpipTunnelAddr { get; init; }

    [JsonPropertyName("routeReflectorClusterID")]
    public string? RouteReflectorClusterId { get; init; }
}

public sealed record OrchestratorReference
{
    public string? NodeName { get; init; }

    public required string Orchestrator { get; init; }
}

public sealed record NodeWireguardSpec
{
    [JsonPropertyName("interfaceIPv4Address")]
    public string? InterfaceIPv4Address { get; init; }

    [JsonPropertyName("interfaceIPv6Address")]
    public string? InterfaceIPv6Address { get; init; }
}

public sealed record NodeAddress
{
    public required string Address { get; init; }

    public string? Type { get; init; }
}
