using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Brindle.Calculation.Messages;

/// <summary>
/// An immutable list with value equality, for collections inside message records (a record's generated
/// <c>Equals</c> would compare an <see cref="ImmutableArray{T}"/> by reference). <c>default</c> is the empty list.
/// </summary>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public readonly struct ValueList<T> : IEquatable<ValueList<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _items;

    public ValueList(ImmutableArray<T> items) => _items = items;

    public ValueList(IEnumerable<T> items) => _items = [.. items];

    public ImmutableArray<T> Items => _items.IsDefault ? [] : _items;

    public int Count => _items.IsDefault ? 0 : _items.Length;

    public bool IsEmpty => Count == 0;

    public T this[int index] => Items[index];

    public bool Equals(ValueList<T> other) => Items.AsSpan().SequenceEqual(other.Items.AsSpan());

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items) hash.Add(item);
        return hash.ToHashCode();
    }

    public static bool operator ==(ValueList<T> left, ValueList<T> right) => left.Equals(right);

    public static bool operator !=(ValueList<T> left, ValueList<T> right) => !left.Equals(right);

    public static implicit operator ValueList<T>(T[] items) => new(ImmutableArray.Create(items));

    public static implicit operator ValueList<T>(ImmutableArray<T> items) => new(items);

    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", Items) + "]";
}

/// <summary>Factory for <see cref="ValueList{T}"/> (collection-expression friendly).</summary>
public static class ValueList
{
    public static ValueList<T> Of<T>(params T[] items) => new(ImmutableArray.Create(items));

    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(ImmutableArray.Create(items));

    public static ValueList<T> From<T>(IEnumerable<T> items) => new(items);
}
