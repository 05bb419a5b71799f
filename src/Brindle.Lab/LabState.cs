using System.Text.Json;
using System.Text.Json.Serialization;

namespace Brindle.Lab;

/// <summary>A process the lab started: what it is, its PID, and a string its /proc/PID/cmdline must contain to be ours.</summary>
public sealed record LabProcess(string Role, int Pid, string Namespace, string CommandMarker, string? LogFile);

/// <summary>A workload the lab created on one of its nodes.</summary>
public sealed record LabWorkload(string Namespace, string Name, string Node, string InterfaceName, string NetworkNamespace, string Address, string Mac, string? IpamHandle);

/// <summary>
/// What a lab created, written to <c>/run/brindle/lab/LAB/state.json</c> after every step, so <c>down</c> can remove
/// it after a crash. Immutable: each step returns a new state.
/// </summary>
public sealed record LabState
{
    public required LabOptionsRecord Options { get; init; }

    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public IReadOnlyList<LabProcess> Processes { get; init; } = [];

    public IReadOnlyList<LabWorkload> Workloads { get; init; } = [];

    public IReadOnlyList<string> Files { get; init; } = [];

    public bool AgentsStarted { get; init; }

    public LabOptions ToOptions() => Options.ToOptions();

    public LabState WithNamespace(string ns) => this with { Namespaces = [.. Namespaces, ns] };

    public LabState WithProcess(LabProcess process) => this with { Processes = [.. Processes, process] };

    public LabState WithWorkload(LabWorkload workload) => this with { Workloads = [.. Workloads.Where(w => w.InterfaceName != workload.InterfaceName || w.Node != workload.Node), workload] };

    public LabState WithoutWorkload(LabWorkload workload) => this with
    {
        Workloads = [.. Workloads.Where(w => w != workload)],
        Namespaces = [.. Namespaces.Where(n => n != workload.NetworkNamespace)],
        Processes = [.. Processes.Where(p => p.Namespace != workload.NetworkNamespace)],
    };

    public static string Serialize(LabState state) => JsonSerializer.Serialize(state, LabStateJson.Default.LabState);

    public static LabState? Deserialize(string json) => JsonSerializer.Deserialize(json, LabStateJson.Default.LabState);
}

/// <summary>The options as stored in the state file (strings for networks).</summary>
public sealed record LabOptionsRecord(string Name, int Nodes, LabDatastore Datastore, int EtcdMembers, LabBgpMode Bgp, string Pool, string Underlay, bool Demo)
{
    public static LabOptionsRecord From(LabOptions o) => new(o.Name, o.Nodes, o.Datastore, o.EtcdMembers, o.Bgp, o.Pool.ToString(), o.Underlay.ToString(), o.Demo);

    public LabOptions ToOptions() => new()
    {
        Name = Name, Nodes = Nodes, Datastore = Datastore, EtcdMembers = EtcdMembers, Bgp = Bgp,
        Pool = System.Net.IPNetwork.Parse(Pool), Underlay = System.Net.IPNetwork.Parse(Underlay), Demo = Demo,
    };
}

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LabState))]
internal sealed partial class LabStateJson : JsonSerializerContext;
