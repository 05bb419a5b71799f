using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Brindle.Api;

/// <summary>
/// An immutable string-keyed map with value equality (labels, annotations, labelsToApply).
/// Keys are kept in ordinal order so output is deterministic, like Go's JSON encoding of maps.
/// <c>default(EquatableMap&lt;T&gt;)</c> behaves as the empty map.
/// </summary>
/// <remarks>
/// Stored as one array of entries sorted by ordinal key (unique keys), shared and never changed: enumeration is an
/// array walk with a struct <see cref="Enumerator"/> (<c>foreach</c> allocates nothing), lookup a binary search,
/// equality an element-wise walk (maps sharing an array are equal at once), and the hash is computed once per array.
/// <see cref="SetItem"/> and <see cref="Remove"/> copy the array (maps are small: labels and annotations).
/// </remarks>
[SuppressMessage("Design", "CA1000", Justification = "EquatableMap<T>.Empty reads best at call sites.")]
[SuppressMessage("Naming", "CA1710", Justification = "Named for its role next to EquatableArray; it is a value, not a mutable dictionary.")]
public readonly struct EquatableMap<TValue> : IEquatable<EquatableMap<TValue>>, IReadOnlyDictionary<string, TValue>
{
    private readonly Entries? _entries;

    public EquatableMap(IEnumerable<KeyValuePair<string, TValue>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items is EquatableMap<TValue> map)
        {
            _entries = map._entries;
            return;
        }
        var array = items.ToArray();
        _entries = array.Length == 0 ? null : new Entries(Sorted(array));
    }

    private EquatableMap(KeyValuePair<string, TValue>[] sorted) => _entries = sorted.Length == 0 ? null : new Entries(sorted);

    public static EquatableMap<TValue> Empty => default;

    private KeyValuePair<string, TValue>[] Items => _entries?.Items ?? [];

    public int Count => _entries?.Items.Length ?? 0;

    public bool IsEmpty => Count == 0;

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The given key '{key}' was not present in the map.");

    public IEnumerable<string> Keys => Items.Select(static kv => kv.Key);

    public IEnumerable<TValue> Values => Items.Select(static kv => kv.Value);

    /// <summary>The entries in ordinal key order, without copying.</summary>
    public ReadOnlySpan<KeyValuePair<string, TValue>> AsSpan() => Items;

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = default;
            return false;
        }
        value = Items[index].Value;
        return true;
    }

    public EquatableMap<TValue> SetItem(string key, TValue value)
    {
        var index = IndexOf(key);
        var items = Items;
        if (index >= 0)
        {
            if (EqualityComparer<TValue>.Default.Equals(items[index].Value, value)) return this;
            var replaced = (KeyValuePair<string, TValue>[])items.Clone();
            replaced[index] = KeyValuePair.Create(key, value);
            return new(replaced);
        }
        var at = ~index;
        var added = new KeyValuePair<string, TValue>[items.Length + 1];
        Array.Copy(items, added, at);
        added[at] = KeyValuePair.Create(key, value);
        Array.Copy(items, at, added, at + 1, items.Length - at);
        return new(added);
    }

    public EquatableMap<TValue> Remove(string key)
    {
        var index = IndexOf(key);
        if (index < 0) return this;
        var items = Items;
        var removed = new KeyValuePair<string, TValue>[items.Length - 1];
        Array.Copy(items, removed, index);
        Array.Copy(items, index + 1, removed, index, items.Length - index - 1);
        return new(removed);
    }

    public bool Equals(EquatableMap<TValue> other)
    {
        if (ReferenceEquals(_entries, other._entries)) return true;
        var items = Items;
        var others = other.Items;
        if (items.Length != others.Length) return false;
        if (_entries is not null && other._entries is not null && _entries.HasHash && other._entries.HasHash && _entries.Hash != other._entries.Hash) return false;
        var comparer = EqualityComparer<TValue>.Default;
        for (var i = 0; i < items.Length; i++)
        {
            if (!string.Equals(items[i].Key, others[i].Key, StringComparison.Ordinal) || !comparer.Equals(items[i].Value, others[i].Value)) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is EquatableMap<TValue> other && Equals(other);

    public override int GetHashCode() => _entries?.Hash ?? new HashCode().ToHashCode();

    public static bool operator ==(EquatableMap<TValue> left, EquatableMap<TValue> right) => left.Equals(right);

    public static bool operator !=(EquatableMap<TValue> left, EquatableMap<TValue> right) => !left.Equals(right);

    /// <summary>A struct enumerator: <c>foreach</c> over the map walks its array without allocating.</summary>
    public Enumerator GetEnumerator() => new(Items);

    IEnumerator<KeyValuePair<string, TValue>> IEnumerable<KeyValuePair<string, TValue>>.GetEnumerator() => ((IEnumerable<KeyValuePair<string, TValue>>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();

    public override string ToString() => "{" + string.Join(", ", Items.Select(kv => $"{kv.Key}: {kv.Value}")) + "}";

    /// <summary>The index of <paramref name="key"/>, or the complement of where it would be inserted.</summary>
    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var items = Items;
        var low = 0;
        var high = items.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(items[middle].Key, key);
            if (order == 0) return middle;
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }

    /// <summary>
    /// Sorts <paramref name="items"/> by ordinal key (stable: the first of equal keys stays) and drops repeated keys
    /// with an equal value; a repeated key with a different value is an error, as it was for ImmutableSortedDictionary.
    /// </summary>
    private static KeyValuePair<string, TValue>[] Sorted(KeyValuePair<string, TValue>[] items)
    {
        var sorted = true;
        for (var i = 0; i < items.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(items[i].Key, nameof(items));
            if (i > 0 && string.CompareOrdinal(items[i - 1].Key, items[i].Key) >= 0) sorted = false;
        }
        if (sorted) return items;
        var ordered = items.OrderBy(static kv => kv.Key, StringComparer.Ordinal).ToArray();
        var comparer = EqualityComparer<TValue>.Default;
        var kept = 1;
        for (var i = 1; i < ordered.Length; i++)
        {
            if (string.Equals(ordered[kept - 1].Key, ordered[i].Key, StringComparison.Ordinal))
            {
                if (!comparer.Equals(ordered[kept - 1].Value, ordered[i].Value))
                    throw new ArgumentException($"An element with the same key but a different value already exists. Key: '{ordered[i].Key}'", nameof(items));
                continue;
            }
            ordered[kept++] = ordered[i];
        }
        return kept == ordered.Length ? ordered : ordered[..kept];
    }

    /// <summary>Walks the entries in ordinal key order.</summary>
    [SuppressMessage("Design", "CA1034", Justification = "The enumerator belongs to the map, as List<T>.Enumerator does.")]
    public struct Enumerator
    {
        private readonly KeyValuePair<string, TValue>[] _items;
        private int _index;

        internal Enumerator(KeyValuePair<string, TValue>[] items)
        {
            _items = items;
            _index = -1;
        }

        public readonly KeyValuePair<string, TValue> Current => _items[_index];

        public bool MoveNext() => ++_index < _items.Length;
    }

    /// <summary>The sorted entries (never changed once built) and their hash, computed on first use.</summary>
    private sealed class Entries(KeyValuePair<string, TValue>[] items)
    {
        // 0 means "not yet computed"; a computed 0 is stored as 1. A lone int write is atomic, so racing readers at
        // worst compute the same value twice.
        private int _hash;

        public KeyValuePair<string, TValue>[] Items { get; } = items;

        public bool HasHash => _hash != 0;

        public int Hash
        {
            get
            {
                if (_hash != 0) return _hash;
                var hash = new HashCode();
                foreach (var (key, value) in Items)
                {
                    hash.Add(key, StringComparer.Ordinal);
                    hash.Add(value);
                }
                var computed = hash.ToHashCode();
                _hash = computed == 0 ? 1 : computed;
                return _hash;
            }
        }
    }
}

/// <summary>Factory helpers for <see cref="EquatableMap{TValue}"/>.</summary>
public static class EquatableMap
{
    public static EquatableMap<TValue> Create<TValue>(params (string Key, TValue Value)[] items) =>
        new(items.Select(i => KeyValuePair.Create(i.Key, i.Value)));

    public static EquatableMap<TValue> ToEquatableMap<TValue>(this IEnumerable<KeyValuePair<string, TValue>> items) => new(items);
}
