using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>BGP settings: <c>default</c> for the cluster, <c>node.&lt;name&gt;</c> per node.</summary>
public sealed record BGPConfiguration : Resource
{
    public BGPConfigurationSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.BGPConfiguration;
}

public sealed record BGPConfigurationSpec
{
    public string? LogSeverityScreen { get; init; }

    public bool? NodeToNodeMeshEnabled { get; init; }

    /// <summary>Default AS number for nodes without one (Calico default 64512).</summary>
    public long? AsNumber { get; init; }

    [JsonPropertyName("serviceLoadBalancerIPs")]
    public EquatableArray<ServiceIPBlock> ServiceLoadBalancerIPs { get; init; }

    [JsonPropertyName("serviceExternalIPs")]
    public EquatableArray<ServiceIPBlock> ServiceExternalIPs { get; init; }

    [JsonPropertyName("serviceClusterIPs")]
    public EquatableArray<ServiceIPBlock> ServiceClusterIPs { get; init; }

    public int? ListenPort { get; init; }

    public string? BindMode { get; init; }

    public EquatableArray<Community> Communities { get; init; }

    public EquatableArray<PrefixAdvertisement> PrefixAdvertisements { get; init; }

    public BgpPassword? NodeMeshPassword { get; init; }

    public string? NodeMeshMaxRestartTime { get; init; }

    public EquatableArray<string> IgnoredInterfaces { get; init; }

    [JsonPropertyName("localWorkloadPeeringIPV4")]
    public string? LocalWorkloadPeeringIPv4 { get; init; }

    [JsonPropertyName("localWorkloadPeeringIPV6")]
    public string? LocalWorkloadPeeringIPv6 { get; init; }

    public string? ProgramClusterRoutes { get; init; }
}

public sealed record ServiceIPBlock
{
    public required Cidr Cidr { get; init; }
}

public sealed record Community
{
    public required string Name { get; init; }

    public required string Value { get; init; }
}

public sealed record PrefixAdvertisement
{
    public required Cidr Cidr { get; init; }

    public EquatableArray<string> Communities { get; init; }
}

/// <summary>A BGP password taken from a Kubernetes secret.</summary>
public sealed record BgpPassword
{
    public SecretKeyReference? SecretKeyRef { get; init; }
}

public sealed record SecretKeyReference
{
    public required string Name { get; init; }

    public required string Key { get; init; }
}

/// <summary>A BGP peering: global (no node/nodeSelector) or for selected nodes.</summary>
public sealed record BGPPeer : Resource
{
    public BGPPeerSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.BGPPeer;
}

public sealed record BGPPeerSpec
{
    public string? Node { get; init; }

    /// <summary>"IP" or "IP:port" ("[v6]:port" for IPv6).</summary>
    [JsonPropertyName("peerIP")]
    public string? PeerIP { get; init; }

    public long? AsNumber { get; init; }

    public string? NodeSelector { get; init; }

    public string? PeerSelector { get; init; }

    public bool? KeepOriginalNextHop { get; init; }

    public string? NextHopMode { get; init; }

    public BgpPassword? Password { get; init; }

    public string? SourceAddress { get; init; }

    public string? FailureDetectionMode { get; init; }

    public string? RestartMode { get; init; }

    public string? MaxRestartTime { get; init; }

    public string? BirdGatewayMode { get; init; }

    public int? NumAllowedLocalASNumbers { get; init; }

    public int? TtlSecurity { get; init; }

    public EquatableArray<string> Filters { get; init; }

    public string? ReachableBy { get; init; }

    public string? LocalWorkloadSelector { get; init; }

    [JsonPropertyName("localASNumber")]
    public long? LocalAsNumber { get; init; }

    public string? ReversePeering { get; init; }
}

/// <summary>Import/export route filters referenced by BGPPeer <c>filters</c>.</summary>
public sealed record BGPFilter : Resource
{
    public BGPFilterSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.BGPFilter;
}

public sealed record BGPFilterSpec
{
    public EquatableArray<BGPFilterRule> ExportV4 { get; init; }

    public EquatableArray<BGPFilterRule> ImportV4 { get; init; }

    public EquatableArray<BGPFilterRule> ExportV6 { get; init; }

    public EquatableArray<BGPFilterRule> ImportV6 { get; init; }
}

public sealed record BGPFilterRule
{
    public Cidr? Cidr { get; init; }

    public BGPFilterPrefixLength? PrefixLength { get; init; }

    /// <summary>In, NotIn, Equal, NotEqual.</summary>
    public string? MatchOperator { get; init; }

    /// <summary>RemotePeers.</summary>
    public string? Source { get; init; }

    public string? Interface { get; init; }

    /// <summary>eBGP or iBGP.</summary>
    public string? PeerType { get; init; }

    public int? Priority { get; init; }

    /// <summary>Accept or Reject.</summary>
    public required string Action { get; init; }
}

public sealed record BGPFilterPrefixLength
{
    public int? Min { get; init; }

    public int? Max { get; init; }
}
