using System.Net;
using System.Text.Json;
using Brindle.Datastore.Kv;
using Brindle.Ipam.Records;
using Microsoft.Extensions.Logging;

namespace Brindle.Ipam;

/// <summary>The writes: every one a compare-and-swap transaction; a block and the handles it changes commit together.</summary>
public sealed partial class IpamClient
{
    private enum ClaimOutcome
    {
        Claimed,
        Conflict,
        NoneFree,
    }

    /// <summary>One CAS transaction; a lost race is counted.</summary>
    private async Task<bool> CommitAsync(IReadOnlyList<KvCondition> conditions, IReadOnlyList<KvOperation> operations, CancellationToken cancellationToken)
    {
        var result = await store.TransactAsync(conditions, operations, cancellationToken);
        if (!result.Succeeded)
        {
            Interlocked.Increment(ref _conflicts);
            Log.ConflictRetry(_logger, operations[0].Key);
        }
        return result.Succeeded;
    }

    /// <summary>Writes <paramref name="block"/> (or deletes it when null) if it is still at <paramref name="blockRevision"/>, together
    /// with the edited handle records (each also compared on its revision; a handle left with no blocks is deleted). Without
    /// <paramref name="freshHandles"/> a handle's revision is guessed from the cache (absent when unknown: new handles are the
    /// common case); a wrong guess fails the transaction and the caller retries with fresh reads.</summary>
    private async Task<bool> TryCommitBlockAsync(
        string blockKey, long blockRevision, AllocationBlock? block, IReadOnlyDictionary<string, Action<HandleRecord>> handleEdits, bool freshHandles,
        CancellationToken cancellationToken)
    {
        var conditions = new List<KvCondition> { new(blockKey, blockRevision) };
        var blockValue = block?.Encode();
        var operations = new List<KvOperation> { blockValue is null ? KvOperation.Delete(blockKey) : KvOperation.Put(blockKey, blockValue) };
        var handleValues = new List<(string Key, string? Value)>();
        foreach (var (handleId, edit) in handleEdits)
        {
            var key = IpamKeys.Handle(handleId);
            var current = freshHandles || _cache.IsContended(key) ? await ReadCurrentAsync(key, cancellationToken) : _cache.Get(key);
            var record = current is null ? new HandleRecord() : JsonSerializer.Deserialize(current.Value, IpamJsonContext.Default.HandleRecord) ?? new HandleRecord();
            edit(record);
            var value = record.Block.Count == 0 ? null : JsonSerializer.Serialize(record, IpamJsonContext.Default.HandleRecord);
            conditions.Add(new KvCondition(key, current?.ModRevision ?? 0));
            operations.Add(value is null ? KvOperation.Delete(key) : KvOperation.Put(key, value));
            handleValues.Add((key, value));
        }
        var result = await store.TransactAsync(conditions, operations, cancellationToken);
        if (!result.Succeeded)
        {
            Interlocked.Increment(ref _conflicts);
            Log.ConflictRetry(_logger, blockKey);
            _cache.MarkContended(blockKey);
            foreach (var (key, _) in handleValues) _cache.MarkContended(key);
            return false;
        }
        // Everything written took the transaction's revision: remember it as the next first guess.
        _cache.RememberOrForget(blockKey, blockValue, result.Revision);
        foreach (var (key, value) in handleValues) _cache.RememberOrForget(key, value, result.Revision);
        return true;
    }

    private async Task<CachedRecord?> ReadCurrentAsync(string key, CancellationToken cancellationToken)
    {
        var kv = await store.GetAsync(key, cancellationToken);
        return kv is null ? _cache.Forget(key) : _cache.Remember(key, kv.Value, kv.ModRevision);
    }

    private static Dictionary<string, Action<HandleRecord>> HandleAdd(string handleId, IPNetwork cidr, int count) =>
        new(StringComparer.Ordinal) { [handleId] = h => AdjustHandle(h, cidr, count) };

    private static void AdjustHandle(HandleRecord handle, IPNetwork cidr, int delta)
    {
        var key = cidr.ToString();
        var value = handle.Block.GetValueOrDefault(key) + delta;
        if (value > 0) handle.Block[key] = value;
        else handle.Block.Remove(key);
    }

    /// <summary>Finds the first unclaimed block of the eligible pools, walking each pool from a position seeded by the node name,
    /// and claims it. One attempt: on a lost race the caller re-reads (a sibling allocator of the same node may have won).</summary>
    private async Task<ClaimOutcome> TryClaimUnclaimedAsync(string node, List<IpamPool> eligible, IReadOnlyList<IPNetwork> reserved, CancellationToken cancellationToken)
    {
        var family = eligible[0].Family;
        var listed = await store.ListAsync(IpamKeys.BlockPrefix(family), cancellationToken);
        var existing = listed.Items.Select(kv => IpamKeys.CidrFromKey(kv.Key)).ToHashSet();
        var seed = IPMath.HostSeed(node);
        foreach (var pool in eligible)
        {
            var count = IPMath.BlockCount(pool.Cidr, pool.EffectiveBlockSize);
            var start = (UInt128)seed % count;
            for (UInt128 i = 0; i < count; i++)
            {
                var cidr = IPMath.NthBlock(pool.Cidr, pool.EffectiveBlockSize, (start + i) % count);
                if (existing.Contains(cidr) || reserved.Any(r => IPMath.Covers(r, cidr))) continue;
                return await TryClaimAsync(node, cidr, cancellationToken) ? ClaimOutcome.Claimed : ClaimOutcome.Conflict;
            }
        }
        return ClaimOutcome.NoneFree;
    }

    /// <summary>Creates the block and the node's confirmed affinity in one transaction, only if the block does not exist.
    /// (Calico writes a pending affinity, then the block, then confirms; one transaction gives the same guarantee without the
    /// intermediate states. A leftover pending affinity of this node for the block is taken over.)</summary>
    private async Task<bool> TryClaimAsync(string node, IPNetwork cidr, CancellationToken cancellationToken)
    {
        var blockKey = IpamKeys.Block(cidr);
        var affinityKey = IpamKeys.Affinity(node, cidr);
        var affinity = await store.GetAsync(affinityKey, cancellationToken);
        var claimed = await CommitAsync(
            [new KvCondition(blockKey, 0), new KvCondition(affinityKey, affinity?.ModRevision ?? 0)],
            [
                KvOperation.Put(affinityKey, JsonSerializer.Serialize(new AffinityRecord { State = AffinityRecord.Confirmed }, IpamJsonContext.Default.AffinityRecord)),
                KvOperation.Put(blockKey, AllocationBlock.New(cidr, node).Encode()),
            ],
            cancellationToken);
        if (claimed) Log.BlockClaimed(_logger, cidr, node);
        return claimed;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = IpamEventIds.BlockClaimed, Level = LogLevel.Information, Message = "Claimed block {Cidr} for node {Node}")]
        public static partial void BlockClaimed(ILogger logger, IPNetwork cidr, string node);

        [LoggerMessage(EventId = IpamEventIds.Borrowed, Level = LogLevel.Debug, Message = "Borrowed {Count} addresses from block {Cidr} for node {Node}")]
        public static partial void Borrowed(ILogger logger, int count, IPNetwork cidr, string node);

        [LoggerMessage(EventId = IpamEventIds.ConflictRetry, Level = LogLevel.Debug, Message = "Compare-and-swap conflict writing {Key}; retrying")]
        public static partial void ConflictRetry(ILogger logger, string key);

        [LoggerMessage(EventId = IpamEventIds.RolledBack, Level = LogLevel.Information, Message = "Request for handle {HandleId} could not be met in full; released the {Count} addresses it took")]
        public static partial void RolledBack(ILogger logger, string handleId, int count);

        [LoggerMessage(EventId = IpamEventIds.AffinityReleased, Level = LogLevel.Information, Message = "Released empty block {Cidr} and its affinity to node {Node}")]
        public static partial void AffinityReleased(ILogger logger, IPNetwork cidr, string node);

        [LoggerMessage(EventId = IpamEventIds.Repaired, Level = LogLevel.Information, Message = "IPAM repair: {Repair}")]
        public static partial void Repaired(ILogger logger, string repair);
    }
}
