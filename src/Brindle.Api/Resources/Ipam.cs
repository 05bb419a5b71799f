using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>A block of addresses for workloads (cluster-scoped). Defaults: <see cref="ResourceDefaults"/>.</summary>
public sealed record IPPool : Resource
{
    public required IPPoolSpec Spec { get; init; }

    public override ResourceKind ResourceKind => ResourceKinds.IPPool;
}

public sealed record IPPoolSpec
{
    public required Cidr Cidr { get; init; }

    public EncapsulationMode? VxlanMode { get; init; }

    public EncapsulationMode? IpipMode { get; init; }

    public bool? NatOutgoing { get; init; }

    public bool? Disabled { get; init; }

    [JsonPropertyName("disableBGPExport")]
    public bool? DisableBgpExport { get; init; }

    /// <summary>Prefix length of the blocks handed to nodes (IPv4 20-32, IPv6 116-128).</summary>
    public int? BlockSize { get; init; }

    public string? NodeSelector { get; init; }

    public EquatableArray<IPPoolAllowedUse> AllowedUses { get; init; }

    public IPPoolAssignmentMode? AssignmentMode { get; init; }
}

/// <summary>Addresses inside pools that IPAM must not hand out automatically.</summary>
public sealed record IPReservation : Resource
{
    public IPReservationSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.IPReservation;
}

public sealed record IPReservationSpec
{
    [JsonPropertyName("reservedCIDRs")]
    public EquatableArray<Cidr> ReservedCidrs { get; init; }
}

/// <summary>Cluster-wide IPAM settings (singleton named <c>default</c>).</summary>
public sealed record IPAMConfiguration : Resource
{
    public IPAMConfigurationSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.IPAMConfiguration;
}

public sealed record IPAMConfigurationSpec
{
    public bool? StrictAffinity { get; init; }

    public int? MaxBlocksPerHost { get; init; }

    public bool? AutoAllocateBlocks { get; init; }

    [JsonPropertyName("kubeVirtVMAddressPersistence")]
    public string? KubeVirtVMAddressPersistence { get; init; }
}
