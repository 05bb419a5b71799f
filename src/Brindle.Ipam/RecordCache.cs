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
/// Bounded: past <see cref="MaxRecords"/> entries it starts over empty.
/// </remarks>
internal sealed class RecordCache
{
    /// <summary>Entries kept before the cache is emptied (a long-lived client must not grow without bound).</summary>
    public const int MaxRecords = 8192;

    private readonly ConcurrentDictionary<string, CachedRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Node, AddressFamily Family), IReadOnlyList<IPNetwork>> _affine = new();

    public CachedRecord? Get(string key) => _records.GetValueOrDefault(key);

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
