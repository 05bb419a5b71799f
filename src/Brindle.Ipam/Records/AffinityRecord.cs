using System.Text.Json.Serialization;

namespace Brindle.Ipam.Records;

/// <summary>The stored JSON of a block affinity (Calico's <c>model.BlockAffinity</c>): <c>pending</c> counts as absent.</summary>
internal sealed class AffinityRecord
{
    public const string Confirmed = "confirmed";
    public const string Pending = "pending";

    [JsonPropertyName("state")] public string State { get; set; } = Confirmed;

    [JsonPropertyName("deleted")] public bool Deleted { get; set; }
}
