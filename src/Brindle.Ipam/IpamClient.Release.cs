using System.Net;
using System.Text.Json;
using Brindle.Ipam.Records;

namespace Brindle.Ipam;

/// <summary>Release, lookups by handle and address, and giving back empty affine blocks.</summary>
public sealed partial class IpamClient
{
    /// <summary>Releases addresses whoever holds them. Addresses not allocated are reported, not an error.</summary>
    public Task<IpamReleaseResult> ReleaseIPsAsync(IReadOnlyList<IPAddress> addresses, CancellationToken cancellationToken = default) =>
        ReleaseAsync([.. addresses.Select(a => new IpamReleaseRequest(a))], cancellationToken);

    /// <summary>Releases addresses, each optionally guarded by its handle and sequence number. Duplicates count once.
    /// A block left empty and without affinity is deleted; an affine block stays with its host, empty.</summary>
    public async Task<IpamReleaseResult> ReleaseAsync(IReadOnlyList<IpamReleaseRequest> requests, CancellationToken cancellationToken = default)
    {
        var released = new List<IPAddress>();
        var notAllocated = new List<IPAddress>();
        var stale = new List<IPAddress>();
        var unique = requests.DistinctBy(r => r.Address).ToList();
        var byBlock = new Dictionary<IPNetwork, List<IpamReleaseRequest>>();
        foreach (var request in unique)
        {
            if (await BlockCidrOfAsync(request.Address, cancellationToken) is not { } cidr)
            {
                notAllocated.Add(request.Address);
                continue;
            }
            if (!byBlock.TryGetValue(cidr, out var list)) byBlock[cidr] = list = [];
            list.Add(request);
        }

        foreach (var (cidr, blockRequests) in byBlock)
        {
            var outcome = await ReleaseInBlockAsync(cidr, block =>
            {
                var outcomes = new List<(IPAddress Address, BlockReleaseOutcome Outcome, string? Handle)>();
                foreach (var r in blockRequests)
                {
                    var (result, handle) = block.Release(block.OrdinalOf(r.Address), r.HandleId, r.SequenceNumber);
                    if (result == BlockReleaseOutcome.HandleMismatch)
                        throw new IpamRequestException($"{r.Address} belongs to handle '{handle}', not '{r.HandleId}'; not released.");
                    outcomes.Add((r.Address, result, handle));
                }
                return outcomes;
            }, cancellationToken);
            if (outcome is null)
            {
                notAllocated.AddRange(blockRequests.Select(r => r.Address));
                continue;
            }
            released.AddRange(outcome.Where(o => o.Outcome == BlockReleaseOutcome.Released).Select(o => o.Address));
            notAllocated.AddRange(outcome.Where(o => o.Outcome == BlockReleaseOutcome.NotAllocated).Select(o => o.Address));
            stale.AddRange(outcome.Where(o => o.Outcome == BlockReleaseOutcome.StaleSequence).Select(o => o.Address));
        }
        return new IpamReleaseResult(released, notAllocated, stale);
    }

    /// <summary>Releases every address held by the handle, in every block and family, and deletes the handle.</summary>
    /// <exception cref="IpamHandleNotFoundException">No such handle (callers such as a CNI DEL may treat this as success).</exception>
    public async Task<IReadOnlyList<IPAddress>> ReleaseByHandleAsync(string handleId, CancellationToken cancellationToken = default)
    {
        var handle = await ReadHandleAsync(handleId, cancellationToken) ?? throw new IpamHandleNotFoundException($"IPAM handle '{handleId}' does not exist.");
        var released = new List<IPAddress>();
        foreach (var cidrText in handle.Block.Keys)
        {
            var cidr = IPNetwork.Parse(cidrText);
            var outcome = await ReleaseInBlockAsync(cidr, block =>
                block.ReleaseHandle(handleId).Select(o => (block.AddressOf(o), BlockReleaseOutcome.Released, (string?)handleId)).ToList(),
                cancellationToken, clearHandle: handleId);
            if (outcome is not null) released.AddRange(outcome.Select(o => o.Address));
        }
        return released;
    }

    /// <summary>Every address held by the handle (none if the handle does not exist).</summary>
    public async Task<IReadOnlyList<AssignedAddress>> GetIPsByHandleAsync(string handleId, CancellationToken cancellationToken = default)
    {
        var handle = await ReadHandleAsync(handleId, cancellationToken);
        if (handle is null) return [];
        var result = new List<AssignedAddress>();
        foreach (var cidrText in handle.Block.Keys)
        {
            var cidr = IPNetwork.Parse(cidrText);
            var kv = await store.GetAsync(IpamKeys.Block(cidr), cancellationToken);
            if (kv is null) continue;
            var block = AllocationBlock.Decode(cidr, kv.Value);
            result.AddRange(block.Allocations().Where(a => a.Handle == handleId)
                .Select(a => new AssignedAddress(block.AddressOf(a.Ordinal), cidr.PrefixLength, block.SequenceOf(a.Ordinal))));
        }
        return result;
    }

    /// <summary>The allocation of one address, or null if it is not allocated.</summary>
    public async Task<IpamAllocation?> GetAssignmentAttributesAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        if (await BlockCidrOfAsync(address, cancellationToken) is not { } cidr) return null;
        var kv = await store.GetAsync(IpamKeys.Block(cidr), cancellationToken);
        if (kv is null) return null;
        var block = AllocationBlock.Decode(cidr, kv.Value);
        var ordinal = block.OrdinalOf(address);
        if (block.Record.Allocations[ordinal] is null) return null;
        return new IpamAllocation(address, cidr, block.HandleOf(ordinal), block.AttributesOf(ordinal) ?? NoLabels, block.SequenceOf(ordinal), block.AffinityHost);
    }

    /// <summary>Gives back the node's affine blocks that are empty (block and affinity deleted together); blocks still holding
    /// addresses keep their affinity. Returns the blocks released.</summary>
    public async Task<IReadOnlyList<IPNetwork>> ReleaseEmptyAffinitiesAsync(string node, CancellationToken cancellationToken = default)
    {
        var released = new List<IPNetwork>();
        var listed = await store.ListAsync($"{IpamKeys.HostPrefix}{node}/", cancellationToken);
        foreach (var affinity in listed.Items)
        {
            var cidr = IpamKeys.CidrFromKey(affinity.Key);
            if (await TryReleaseAffinityAsync(node, cidr, affinity.ModRevision, cancellationToken)) released.Add(cidr);
        }
        return released;
    }

    /// <summary>Deletes the affinity and, if it exists, the block — only if the block is empty and still affine to the node.</summary>
    private async Task<bool> TryReleaseAffinityAsync(string node, IPNetwork cidr, long affinityRevision, CancellationToken cancellationToken)
    {
        var affinityKey = IpamKeys.Affinity(node, cidr);
        var blockKey = IpamKeys.Block(cidr);
        var kv = await store.GetAsync(blockKey, cancellationToken);
        if (kv is not null)
        {
            var block = AllocationBlock.Decode(cidr, kv.Value);
            if (!block.IsEmpty || block.AffinityHost != node) return false;
        }
        var done = await CommitAsync(
            [new(affinityKey, affinityRevision), new(blockKey, kv?.ModRevision ?? 0)],
            [Datastore.Kv.KvOperation.Delete(affinityKey), Datastore.Kv.KvOperation.Delete(blockKey)],
            cancellationToken);
        if (done) Log.AffinityReleased(_logger, cidr, node);
        return done;
    }

    /// <summary>Applies <paramref name="release"/> to a fresh copy of the block and commits it with the handle counts it changed,
    /// retrying on conflict. Returns null if the block does not exist.</summary>
    private async Task<List<(IPAddress Address, BlockReleaseOutcome Outcome, string? Handle)>?> ReleaseInBlockAsync(
        IPNetwork cidr, Func<AllocationBlock, List<(IPAddress Address, BlockReleaseOutcome Outcome, string? Handle)>> release,
        CancellationToken cancellationToken, string? clearHandle = null)
    {
        var key = IpamKeys.Block(cidr);
        for (var attempt = 0; attempt < DatastoreRetries; attempt++)
        {
            var kv = await store.GetAsync(key, cancellationToken);
            if (kv is null)
            {
                if (clearHandle is not null) await ClearHandleEntryAsync(clearHandle, cidr, cancellationToken);
                return null;
            }
            var block = AllocationBlock.Decode(cidr, kv.Value);
            var outcomes = release(block);
            var freed = outcomes.Where(o => o.Outcome == BlockReleaseOutcome.Released && o.Handle is not null)
                .GroupBy(o => o.Handle!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            if (outcomes.TrueForAll(o => o.Outcome != BlockReleaseOutcome.Released))
            {
                if (clearHandle is not null) await ClearHandleEntryAsync(clearHandle, cidr, cancellationToken);
                return outcomes;
            }
            block.CompleteRelease();
            var edits = freed.ToDictionary(f => f.Key, f => (Action<HandleRecord>)(h => AdjustHandle(h, cidr, -f.Value)), StringComparer.Ordinal);
            if (clearHandle is not null) edits[clearHandle] = h => h.Block.Remove(cidr.ToString());
            // A block with no affinity is deleted once empty; an affine block stays with its host (released only explicitly).
            var keep = !block.IsEmpty || block.Record.Affinity is not null;
            if (await TryCommitBlockAsync(key, kv.ModRevision, keep ? block : null, edits, freshHandles: true, cancellationToken)) return outcomes;
        }
        throw Exhausted($"releasing in block {cidr}");
    }

    /// <summary>Removes a handle's entry for a block that no longer holds its addresses (deleting the handle when it was the last).</summary>
    private async Task ClearHandleEntryAsync(string handleId, IPNetwork cidr, CancellationToken cancellationToken)
    {
        var key = IpamKeys.Handle(handleId);
        for (var attempt = 0; attempt < DatastoreRetries; attempt++)
        {
            var kv = await store.GetAsync(key, cancellationToken);
            if (kv is null) return;
            var record = JsonSerializer.Deserialize(kv.Value, IpamJsonContext.Default.HandleRecord) ?? new HandleRecord();
            if (!record.Block.Remove(cidr.ToString())) return;
            var op = record.Block.Count == 0
                ? Datastore.Kv.KvOperation.Delete(key)
                : Datastore.Kv.KvOperation.Put(key, JsonSerializer.Serialize(record, IpamJsonContext.Default.HandleRecord));
            if (await CommitAsync([new(key, kv.ModRevision)], [op], cancellationToken)) return;
        }
        throw Exhausted($"updating handle '{handleId}'");
    }

    private async Task<HandleRecord?> ReadHandleAsync(string handleId, CancellationToken cancellationToken)
    {
        if (IpamKeys.CheckSegment("handle", handleId) is { } error) throw new IpamRequestException(error);
        var kv = await store.GetAsync(IpamKeys.Handle(handleId), cancellationToken);
        return kv is null ? null : JsonSerializer.Deserialize(kv.Value, IpamJsonContext.Default.HandleRecord);
    }

    /// <summary>The block an address belongs to: from the pool that contains it (Calico's way), else the stored block holding it.</summary>
    private async Task<IPNetwork?> BlockCidrOfAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var pool = (await pools.GetPoolsAsync(cancellationToken)).FirstOrDefault(p => p.Cidr.Contains(address));
        if (pool is not null) return IPMath.BlockOf(address, pool.EffectiveBlockSize);
        var listed = await store.ListAsync(IpamKeys.BlockPrefix(address.AddressFamily), cancellationToken);
        return listed.Items.Select(kv => IpamKeys.CidrFromKey(kv.Key)).Cast<IPNetwork?>().FirstOrDefault(c => c!.Value.Contains(address));
    }
}
