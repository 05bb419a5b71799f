using System.Text.Json;
using System.Text.Json.Serialization;
using Brindle.Bgp.Status;

namespace Brindle.Agent.Status;

/// <summary>The agent's state as <c>brindle node status</c> shows it.</summary>
public enum AgentState
{
    Starting,
    InSync,
    Error,
}

/// <summary>One BGP session in the status record (what <see cref="BgpPeerStatus"/> holds, in plain JSON).</summary>
public sealed record BgpSessionRecord(string Protocol, string? PeerAddress, string PeerType, string State, string BgpState, string Since, string Info, string? LastError, uint? NeighborAs, uint? LocalAs)
{
    public static BgpSessionRecord From(BgpPeerStatus s) =>
        new(s.ProtocolName, s.PeerAddress?.ToString(), s.Type.ToString(), s.State, s.BgpState, s.Since, s.Info, s.LastError, s.NeighborAs, s.LocalAs);

    public BgpPeerStatus ToStatus() => new(
        Protocol,
        System.Net.IPAddress.TryParse(PeerAddress, out var ip) ? ip : null,
        Enum.TryParse<Brindle.Bgp.Model.BgpPeerType>(PeerType, out var type) ? type : default,
        State, BgpState, Since, Info, LastError, NeighborAs, LocalAs);
}

/// <summary>
/// The liveness and status record an agent keeps at <see cref="KeyFor"/> under a lease (it vanishes when the agent
/// dies). Written every few seconds.
/// </summary>
public sealed record AgentStatusRecord(
    string Node,
    AgentState State,
    DateTimeOffset Updated,
    DateTimeOffset? LastApply,
    double? LastApplyMilliseconds,
    int Endpoints,
    int Policies,
    int Profiles,
    int IPSets,
    string? Error,
    string? BgpError,
    IReadOnlyList<BgpSessionRecord> BgpSessions)
{
    public const string Prefix = "/brindle/status/nodes/";

    public static string KeyFor(string node) => Prefix + node;

    public string ToJson() => StatusJson.Serialize(this);

    public static AgentStatusRecord? FromJson(string json) => StatusJson.Deserialize<AgentStatusRecord>(json);
}

/// <summary>The JSON of the status records: web casing, kebab-case enums, nulls left out; unreadable text is null.</summary>
internal static class StatusJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string json)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
