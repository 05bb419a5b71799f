using System.Text.Json.Serialization;

namespace Brindle.Ipam.Records;

/// <summary>The stored JSON of the IPAM configuration (Calico's <c>model.IPAMConfig</c>).</summary>
internal sealed class ConfigRecord
{
    [JsonPropertyName("strict_affinity")] public bool StrictAffinity { get; set; }

    [JsonPropertyName("auto_allocate_blocks")] public bool AutoAllocateBlocks { get; set; } = true;

    [JsonPropertyName("maxBlocksPerHost")] public int MaxBlocksPerHost { get; set; }
}
