using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Brindle.Api;

/// <summary>
/// An immutable list with value equality, for every collection held by a record in Brindle.
/// <c>default(EquatableArray&lt;T&gt;)</c> behaves as the empty array, so records that never set
/// a collection compare equal to records that set it to empty.
/// </summary>
[CollectionBuilder(typeof(EquatableArray), nameof(EquatableArray.Create))]
[SuppressMessage("Design", "CA1000", Justification = "EquatableArray<T>.Empty reads best at call sites, like ImmutableArray<T>.Empty.")]
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _items;

    public EquatableArray(IEnumerable<T> items) => _items = [.. items];

    private EquatableArray(ImmutableArray<T> items) => _items = items;

    public static EquatableArray<T> Empty => default;

    private ImmutableArray<T> Items => _items.IsDefault ? [] : _items;

    public int Count => Items.Length;

    public bool IsEmpty => Count == 0;

    public T this[int index] => Items[index];

    public static implicit operator EquatableArray<T>(T[] items) => new(ImmutableArray.Create(items));

    public static implicit operator EquatableArray<T>(ImmutableArray<T> items) => new(items);

    public ImmutableArray<T> AsImmutableArray() => Items;

    public EquatableArray<T> Add(T item) => new(Items.Add(item));

    public bool Equals(EquatableArray<T> other)
    {
        var a = Items;
        var b = other.Items;
        if (a.Length != b.Length) return false;
        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Length; i++)
        {
            if (!comparer.Equals(a[i], b[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items) hash.Add(item);
        return hash.ToHashCode();
    }

    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", Items) + "]";
}

/// <summary>Factory helpers so callers can write <c>EquatableArray.Create(a, b)</c>.</summary>
public static class EquatableArray
{
    public static EquatableArray<T> Create<T>(params ReadOnlySpan<T> items) => ImmutableArray.Create(items);

    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new(items);
}
