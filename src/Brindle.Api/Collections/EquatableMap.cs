using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Brindle.Api;

/// <summary>
/// An immutable string-keyed map with value equality (labels, annotations, labelsToApply).
/// Keys are kept in ordinal order so output is deterministic, like Go's JSON encoding of maps.
/// <c>default(EquatableMap&lt;T&gt;)</c> behaves as the empty map.
/// </summary>
[SuppressMessage("Design", "CA1000", Justification = "EquatableMap<T>.Empty reads best at call sites.")]
[SuppressMessage("Naming", "CA1710", Justification = "Named for its role next to EquatableArray; it is a value, not a mutable dictionary.")]
public readonly struct EquatableMap<TValue> : IEquatable<EquatableMap<TValue>>, IReadOnlyDictionary<string, TValue>
{
    private readonly ImmutableSortedDictionary<string, TValue>? _items;

    public EquatableMap(IEnumerable<KeyValuePair<string, TValue>> items) =>
        _items = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, items);

    private EquatableMap(ImmutableSortedDictionary<string, TValue> items) => _items = items;

    public static EquatableMap<TValue> Empty => default;

    private ImmutableSortedDictionary<string, TValue> Items =>
        _items ?? ImmutableSortedDictionary<string, TValue>.Empty.WithComparers(StringComparer.Ordinal);

    public int Count => _items?.Count ?? 0;

    public bool IsEmpty => Count == 0;

    public TValue this[string key] => Items[key];

    public IEnumerable<string> Keys => Items.Keys;

    public IEnumerable<TValue> Values => Items.Values;

    public bool ContainsKey(string key) => Items.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => Items.TryGetValue(key, out value);

    public EquatableMap<TValue> SetItem(string key, TValue value) => new(Items.SetItem(key, value));

    public EquatableMap<TValue> Remove(string key) => new(Items.Remove(key));

    public bool Equals(EquatableMap<TValue> other)
    {
        if (Count != other.Count) return false;
        var comparer = EqualityComparer<TValue>.Default;
        foreach (var (key, value) in Items)
        {
            if (!other.TryGetValue(key, out var otherValue) || !comparer.Equals(value, otherValue)) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is EquatableMap<TValue> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in Items)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    public static bool operator ==(EquatableMap<TValue> left, EquatableMap<TValue> right) => left.Equals(right);

    public static bool operator !=(EquatableMap<TValue> left, EquatableMap<TValue> right) => !left.Equals(right);

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => Items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "{" + string.Join(", ", Items.Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
}

/// <summary>Factory helpers for <see cref="EquatableMap{TValue}"/>.</summary>
public static class EquatableMap
{
    public static EquatableMap<TValue> Create<TValue>(params (string Key, TValue Value)[] items) =>
        new(items.Select(i => KeyValuePair.Create(i.Key, i.Value)));

    public static EquatableMap<TValue> ToEquatableMap<TValue>(this IEnumerable<KeyValuePair<string, TValue>> items) => new(items);
}
