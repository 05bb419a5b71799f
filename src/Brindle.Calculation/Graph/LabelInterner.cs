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
/// Cost: the source's own labels are read once, as the span over the <see cref="EquatableMap{TValue}"/>'s sorted array
/// (no copy), hashed, and compared with the entries of equal hash. Equal maps list their labels in the same (key)
/// order, so a comparison is a walk of two arrays.
/// </remarks>
internal sealed class LabelInterner
{
    private readonly Dictionary<int, Entry> _byHash = [];

    /// <summary>Distinct label sets held.</summary>
    public int Count { get; private set; }

    public Dictionary<string, string> Acquire(LabelSource source)
    {
        var hash = Read(source, out var own);
        _byHash.TryGetValue(hash, out var head);
        for (var entry = head; entry is not null; entry = entry.Next)
        {
            if (!entry.Matches(own, source)) continue;
            entry.References++;
            return entry.Labels;
        }
        var added = new Entry(own.ToArray(), source with { Labels = default }, EndpointConverter.Labels(source)) { Next = head, References = 1 };
        _byHash[hash] = added;
        Count++;
        return added.Labels;
    }

    public void Release(LabelSource source)
    {
        var hash = Read(source, out var own);
        if (!_byHash.TryGetValue(hash, out var head)) return;
        Entry? before = null;
        for (var entry = head; entry is not null; before = entry, entry = entry.Next)
        {
            if (!entry.Matches(own, source)) continue;
            if (--entry.References > 0) return;
            if (before is not null) before.Next = entry.Next;
            else if (entry.Next is { } next) _byHash[hash] = next;
            else _byHash.Remove(hash);
            Count--;
            return;
        }
    }

    /// <summary>Hashes the whole source; <paramref name="own"/> is the map's own labels in key order (its array, not a copy).</summary>
    private static int Read(LabelSource source, out ReadOnlySpan<KeyValuePair<string, string>> own)
    {
        own = source.Labels.AsSpan();
        var hash = new HashCode();
        foreach (var label in own)
        {
            hash.Add(label.Key, StringComparer.Ordinal);
            hash.Add(label.Value, StringComparer.Ordinal);
        }
        hash.Add(source.Namespace, StringComparer.Ordinal);
        hash.Add(source.Orchestrator, StringComparer.Ordinal);
        hash.Add(source.ServiceAccount, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary>One label set (the source's automatic values, without its map); entries of equal hash are chained.</summary>
    private sealed class Entry(KeyValuePair<string, string>[] own, LabelSource source, Dictionary<string, string> labels)
    {
        public Dictionary<string, string> Labels { get; } = labels;

        public int References { get; set; }

        public Entry? Next { get; set; }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, string>> labels, LabelSource other)
        {
            if (labels.Length != own.Length
                || !string.Equals(source.Namespace, other.Namespace, StringComparison.Ordinal)
                || !string.Equals(source.Orchestrator, other.Orchestrator, StringComparison.Ordinal)
                || !string.Equals(source.ServiceAccount, other.ServiceAccount, StringComparison.Ordinal))
            {
                return false;
            }
            for (var i = 0; i < own.Length; i++)
            {
                if (!string.Equals(own[i].Key, labels[i].Key, StringComparison.Ordinal) || !string.Equals(own[i].Value, labels[i].Value, StringComparison.Ordinal)) return false;
            }
            return true;
        }
    }
}
