namespace Brindle.Policy;

/// <summary>Sets of IDs filed by label key and value; empty sets and keys are removed so memory follows content.</summary>
internal sealed class KeyValueIndex<TId>
    where TId : notnull
{
    private readonly Dictionary<string, Dictionary<string, HashSet<TId>>> _byKey = new(StringComparer.Ordinal);

    public void Add(string key, string value, TId id)
    {
        if (!_byKey.TryGetValue(key, out var byValue)) _byKey[key] = byValue = new(StringComparer.Ordinal);
        if (!byValue.TryGetValue(value, out var ids)) byValue[value] = ids = [];
        ids.Add(id);
    }

    public void Remove(string key, string value, TId id)
    {
        if (!_byKey.TryGetValue(key, out var byValue) || !byValue.TryGetValue(value, out var ids)) return;
        ids.Remove(id);
        if (ids.Count > 0) return;
        byValue.Remove(value);
        if (byValue.Count == 0) _byKey.Remove(key);
    }

    public HashSet<TId>? TryGet(string key, string value) =>
        _byKey.TryGetValue(key, out var byValue) && byValue.TryGetValue(value, out var ids) ? ids : null;

    public IEnumerable<HashSet<TId>> ValuesOf(string key) =>
        _byKey.TryGetValue(key, out var byValue) ? byValue.Values : [];
}
