using System.Text.Json.Serialization;

namespace Brindle.Ipam.Records;

/// <summary>The stored JSON of a handle (Calico's <c>model.IPAMHandle</c>): per block CIDR, how many addresses it holds there.</summary>
internal sealed class HandleRecord
{
    [JsonPropertyName("block")] public Dictionary<string, int> Block { get; set; } = [];

    [JsonPropertyName("deleted")] public bool Deleted { get; set; }
}
