using System.Collections;

namespace Brindle.Dataplane.Nftables;

/// <summary>
/// The elements of one nft set in canonical text form (<see cref="NftElements"/>): immutable, distinct, kept in ordinal
/// order, so the delta writes them without sorting and compares two sets by one merge.
/// </summary>
/// <remarks>
/// Why not <c>ImmutableHashSet&lt;string&gt;</c>: a full rendering of 10,000 workload addresses spent most of its time
/// building hash sets that the delta then had to sort anyway. A set is only ever built whole (rendered, read back, or
/// the result of one delta), so a sorted array is both the cheapest to build and the cheapest to compare.
/// </remarks>
public sealed class NftElementSet : IReadOnlyCollection<string>
{
    private readonly string[] _sorted;

    private NftElementSet(string[] sorted) => _sorted = sorted;

    public static NftElementSet Empty { get; } = new([]);

    public int Count => _sorted.Length;

    /// <summary>A set of <paramref name="elements"/> (any order, duplicates allowed).</summary>
    public static NftElementSet Of(IEnumerable<string> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var array = elements.ToArray();
        if (array.Length == 0) return Empty;
        Array.Sort(array, StringComparer.Ordinal);
        var distinct = 1;
        for (var i = 1; i < array.Length; i++)
        {
            if (!string.Equals(array[i], array[distinct - 1], StringComparison.Ordinal)) array[distinct++] = array[i];
        }
        if (distinct < array.Length) Array.Resize(ref array, distinct);
        return new(array);
    }

    public bool Contains(string element) => Array.BinarySearch(_sorted, element, StringComparer.Ordinal) >= 0;

    public bool SetEquals(NftElementSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other) || _sorted.AsSpan().SequenceEqual(other._sorted);
    }

    /// <summary>The elements of this set that <paramref name="other"/> lacks, in order.</summary>
    public List<string> Except(NftElementSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new List<string>();
        int i = 0, j = 0;
        var a = _sorted;
        var b = other._sorted;
        while (i < a.Length)
        {
            var c = j < b.Length ? string.CompareOrdinal(a[i], b[j]) : -1;
            if (c < 0) result.Add(a[i++]);
            else if (c > 0) j++;
            else { i++; j++; }
        }
        return result;
    }

    /// <summary>This set plus <paramref name="added"/> (elements in order, none of them already here).</summary>
    public NftElementSet With(IReadOnlyList<string> added)
    {
        ArgumentNullException.ThrowIfNull(added);
        if (added.Count == 0) return this;
        var merged = new string[_sorted.Length + added.Count];
        int i = 0, j = 0, k = 0;
        while (i < _sorted.Length || j < added.Count)
        {
            merged[k++] = j >= added.Count || (i < _sorted.Length && string.CompareOrdinal(_sorted[i], added[j]) < 0) ? _sorted[i++] : added[j++];
        }
        return new(merged);
    }

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_sorted).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
