using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Brindle.Ipam;

/// <summary>A stored value and the revision it was stored at, as this client last read or wrote it.</summary>
internal sealed record CachedRecord(string Value, long ModRevision);

/// <summary>
/// The IPAM records one <see cref="IpamClient"/> last read or wrote (blocks, handles, a node's confirmed affinities).
/// </summary>
/// <remarks>
/// Never a source of truth: a cached revision is only the first guess of a compare-and-swap, so a stale entry costs one failed
/// transaction and a re-read, never a wrong allocation (revisions only grow, so an unchanged revision means an unchanged value).
/// A key whose write lost a race is marked contended: other allocators write it too, so a cached copy would mostly be stale
/// (a failed transaction more per write); for such keys <see cref="Get"/> answers nothing and callers read fresh, as without a cache.
/// Bounded: past <see cref="MaxRecords"/> entries it starts over empty.
/// </remarks>
internal sealed class RecordCache
{
    /// <summary>Entries kept before the cache is emptied (a long-lived client must not grow without bound).</summary>
    public const int MaxRecords = 8192;

    private readonly ConcurrentDictionary<string, CachedRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Node, AddressFamily Family), IReadOnlyList<IPNetwork>> _affine = new();
    private readonly ConcurrentDictionary<string, bool> _contended = new(StringComparer.Ordinal);

    /// <summary>The cached copy, or null if none is known or the key is contended.</summary>
    public CachedRecord? Get(string key) => _contended.ContainsKey(key) ? null : _records.GetValueOrDefault(key);

    /// <summary>Whether a write of the key has lost a race (then read it fresh instead of guessing).</summary>
    public bool IsContended(string key) => _contended.ContainsKey(key);

    /// <summary>A write of the key lost a race: forget the copy and stop guessing for this key.</summary>
    public void MarkContended(string key)
    {
        _records.TryRemove(key, out _);
        if (_contended.Count >= MaxRecords) _contended.Clear();
        _contended[key] = true;
    }

    /// <summary>Records <paramref name="value"/> at <paramref name="revision"/>.</summary>
    public CachedRecord Remember(string key, string value, long revision)
    {
        if (_records.Count >= MaxRecords) _records.Clear();
        return _records[key] = new CachedRecord(value, revision);
    }

    /// <summary>As <see cref="Remember"/>, but a null value (the key was deleted) forgets the key.</summary>
    public CachedRecord? RememberOrForget(string key, string? value, long revision) => value is null ? Forget(key) : Remember(key, value, revision);

    public CachedRecord? Forget(string key)
    {
        _records.TryRemove(key, out _);
        return null;
    }

    public IReadOnlyList<IPNetwork>? AffineBlocks(string node, AddressFamily family) => _affine.GetValueOrDefault((node, family));

    public void RememberAffineBlocks(string node, AddressFamily family, IReadOnlyList<IPNetwork> blocks)
    {
        if (_affine.Count >= MaxRecords) _affine.Clear();
        _affine[(node, family)] = blocks;
    }
}
