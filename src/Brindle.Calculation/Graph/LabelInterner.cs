using Brindle.Api;

namespace Brindle.Calculation;

/// <summary>What an endpoint's or network set's index labels are made of: its own labels and the automatic ones.</summary>
internal readonly record struct LabelSource(EquatableMap<string> Labels, string? Namespace, string? Orchestrator, string? ServiceAccount)
{
    public static LabelSource Of(WorkloadEndpoint endpoint) =>
        new(endpoint.Metadata.Labels, endpoint.Namespace, endpoint.Spec.Orchestrator, endpoint.Spec.ServiceAccountName);

    public static LabelSource Of(Resource resource) => new(resource.Metadata.Labels, resource.Namespace, null, null);
}

/// <summary>
/// One label dictionary per distinct <see cref="LabelSource"/>, shared by every endpoint with that content (the
/// replicas of a workload), so a snapshot builds a dictionary per label set rather than per endpoint; and the label
/// indexes, handed the same object, find its class by reference first.
/// </summary>
/// <remarks>
/// Counted: each <see cref="Acquire"/> is matched by one <see cref="Release"/> of an equal source (the graph releases
/// the previous value's source when a resource changes or goes), and a dictionary is dropped with its last user.
/// The dictionaries are shared and must never be changed. Correctness never depends on sharing: the indexes compare
/// labels by content, so a dictionary dropped while an index still holds it costs only a new one next time.
/// Cost: one lookup keyed by the source itself; <see cref="EquatableMap{TValue}"/> caches its hash and compares two
/// maps as two sorted arrays, so neither hashing nor equality copies anything.
/// </remarks>
internal sealed class LabelInterner
{
    private readonly Dictionary<LabelSource, Entry> _entries = [];

    /// <summary>Distinct label sets held.</summary>
    public int Count => _entries.Count;

    public Dictionary<string, string> Acquire(LabelSource source)
    {
        if (!_entries.TryGetValue(source, out var entry)) _entries[source] = entry = new Entry(EndpointConverter.Labels(source));
        entry.References++;
        return entry.Labels;
    }

    public void Release(LabelSource source)
    {
        if (_entries.TryGetValue(source, out var entry) && --entry.References == 0) _entries.Remove(source);
    }

    private sealed class Entry(Dictionary<string, string> labels)
    {
        public Dictionary<string, string> Labels { get; } = labels;

        public int References { get; set; }
    }
}
