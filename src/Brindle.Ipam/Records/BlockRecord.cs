using System.Text.Json.Serialization;

namespace Brindle.Ipam.Records;

/// <summary>The stored JSON of an allocation block, field for field Calico's <c>model.AllocationBlock</c>.</summary>
/// <remarks>A working copy decoded from one store revision; <see cref="AllocationBlock"/> mutates it and it is encoded
/// back in a compare-and-swap write. Never shared between attempts.</remarks>
internal sealed class BlockRecord
{
    [JsonPropertyName("cidr")] public string Cidr { get; set; } = "";

    /// <summary><c>host:&lt;node&gt;</c>, or null for a block with no affinity.</summary>
    [JsonPropertyName("affinity")] public string? Affinity { get; set; }

    /// <summary>Per ordinal: null when free, else the index of its entry in <see cref="Attributes"/>.</summary>
    [JsonPropertyName("allocations")] public List<int?> Allocations { get; set; } = [];

    /// <summary>Free ordinals in the order they will be handed out: freed ordinals are appended (first freed, first reused).</summary>
    [JsonPropertyName("unallocated")] public List<int> Unallocated { get; set; } = [];

    [JsonPropertyName("attributes")] public List<AllocationAttributeRecord> Attributes { get; set; } = [];

    /// <summary>Raised by every write of the block.</summary>
    [JsonPropertyName("sequenceNumber")] public ulong SequenceNumber { get; set; }

    /// <summary>Ordinal (as a string) to the block's sequence number when that ordinal was allocated.</summary>
    [JsonPropertyName("sequenceNumberForAllocation")] public Dictionary<string, ulong> SequenceNumberForAllocation { get; set; } = [];

    [JsonPropertyName("deleted")] public bool Deleted { get; set; }
}
