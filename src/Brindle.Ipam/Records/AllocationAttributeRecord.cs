using System.Text.Json.Serialization;

namespace Brindle.Ipam.Records;

/// <summary>Who owns an allocation: the handle and free-form attributes (Calico's <c>AllocationAttribute</c>).</summary>
internal sealed class AllocationAttributeRecord
{
    [JsonPropertyName("handle_id")] public string? HandleId { get; set; }

    [JsonPropertyName("secondary")] public Dictionary<string, string>? Secondary { get; set; }
}
