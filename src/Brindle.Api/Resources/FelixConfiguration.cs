using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>
/// Node-agent settings: <c>default</c> for the cluster, <c>node.&lt;name&gt;</c> per node.
/// Calico has ~220 parameters; Brindle models the ones its agent uses or that operators commonly set
/// (an unknown field is an error, as in Calico's strict decoding). Durations are Go duration strings ("90s").
/// </summary>
public sealed record FelixConfiguration : Resource
{
    public FelixConfigurationSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.FelixConfiguration;
}

public sealed record FelixConfigurationSpec
{
    public bool? UseInternalDataplaneDriver { get; init; }

    public string? DataplaneDriver { get; init; }

    [JsonPropertyName("ipv6Support")]
    public bool? IPv6Support { get; init; }

    public string? RouteRefreshInterval { get; init; }

    public string? InterfaceRefreshInterval { get; init; }

    public string? IptablesRefreshInterval { get; init; }

    public string? IptablesBackend { get; init; }

    public string? NftablesMode { get; init; }

    public string? NftablesRefreshInterval { get; init; }

    public string? IpsetsRefreshInterval { get; init; }

    public string? ChainInsertMode { get; init; }

    public string? DefaultEndpointToHostAction { get; init; }

    public string? InterfacePrefix { get; init; }

    public EquatableArray<string> InterfaceExclude { get; init; }

    public string? LogFilePath { get; init; }

    public string? LogPrefix { get; init; }

    public string? LogSeverityFile { get; init; }

    public string? LogSeverityScreen { get; init; }

    public string? LogSeveritySys { get; init; }

    public string? LogActionRateLimit { get; init; }

    public int? LogActionRateLimitBurst { get; init; }

    public bool? IpipEnabled { get; init; }

    [JsonPropertyName("ipipMTU")]
    public int? IpipMtu { get; init; }

    public bool? VxlanEnabled { get; init; }

    [JsonPropertyName("vxlanMTU")]
    public int? VxlanMtu { get; init; }

    [JsonPropertyName("vxlanMTUV6")]
    public int? VxlanMtuV6 { get; init; }

    public int? VxlanPort { get; init; }

    [JsonPropertyName("vxlanVNI")]
    public int? VxlanVni { get; init; }

    public bool? WireguardEnabled { get; init; }

    [JsonPropertyName("bpfEnabled")]
    public bool? BpfEnabled { get; init; }

    public string? ReportingInterval { get; init; }

    [JsonPropertyName("reportingTTL")]
    public string? ReportingTtl { get; init; }

    public bool? EndpointReportingEnabled { get; init; }

    public string? MetadataAddr { get; init; }

    public int? MetadataPort { get; init; }

    public string? OpenstackRegion { get; init; }

    public bool? HealthEnabled { get; init; }

    public string? HealthHost { get; init; }

    public int? HealthPort { get; init; }

    public bool? PrometheusMetricsEnabled { get; init; }

    public int? PrometheusMetricsPort { get; init; }

    public EquatableArray<ProtoPort> FailsafeInboundHostPorts { get; init; }

    public EquatableArray<ProtoPort> FailsafeOutboundHostPorts { get; init; }

    public bool? UsageReportingEnabled { get; init; }

    public string? RouteSource { get; init; }

    public int? DeviceRouteProtocol { get; init; }

    public bool? RemoveExternalRoutes { get; init; }

    public string? NatOutgoingAddress { get; init; }

    public Port? NatPortRange { get; init; }

    [JsonPropertyName("mtuIfacePattern")]
    public string? MtuIfacePattern { get; init; }

    public string? AwsSrcDstCheck { get; init; }

    public string? FeatureGates { get; init; }
}

/// <summary>A failsafe port: protocol, port and optional CIDR.</summary>
public sealed record ProtoPort
{
    public string? Protocol { get; init; }

    public required long Port { get; init; }

    public string? Net { get; init; }
}
