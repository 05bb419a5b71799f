using System.Text.Json.Serialization;

namespace Brindle.Ipam.Records;

/// <summary>Source-generated JSON for the IPAM records (no reflection, so the CLI can be trimmed/AOT-compiled).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BlockRecord))]
[JsonSerializable(typeof(AffinityRecord))]
[JsonSerializable(typeof(HandleRecord))]
[JsonSerializable(typeof(ConfigRecord))]
internal sealed partial class IpamJsonContext : JsonSerializerContext;
