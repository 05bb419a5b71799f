using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Brindle.Datastore.Kv;
using Brindle.Ipam.Ports;
using Brindle.Ipam.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Ipam;

/// <summary>
/// Calico's block-affinity IPAM over an <see cref="IKeyValueStore"/>: pools are cut into aligned blocks, a host claims blocks
/// (affinity) and allocates inside them, borrows from other hosts' blocks unless strict affinity is on, and handles name owners.
/// </summary>
/// <remarks>
/// Inputs: the IPAM records in the store (blocks, affinities, handles, config) and, through ports, pools, reservations and node
/// labels. Every write is a compare-and-swap transaction; a lost race re-reads and retries at most <see cref="DatastoreRetries"/>
/// times, and each lost race is counted in <see cref="ConflictRetries"/>.
/// Invariants: an address is allocated at most once (the block record is the single source of truth and is only changed by CAS);
/// a block and the handles it names are written in one transaction, so handle counts always equal the block allocations;
/// a block and its affinity are created in one transaction; an affine block is only deleted when empty.
/// Thread-safe. Caches (per client, see <see cref="RecordCache"/>) the block, handle and affinity records it last read or wrote and uses them
/// only as the first guess of a compare-and-swap: a stale guess fails the transaction, which then re-reads. A request's first round
/// allocates from cached affine blocks; every later round (and every claim, borrow and capacity decision) reads fresh.
/// </remarks>
public sealed partial class IpamClient(
    IKeyValueStore store,
    IIpamPoolSource pools,
    IIpamReservationSource reservations,
    INodeLabelSource nodes,
    Func<string, IReadOnlyDictionary<string, string>, bool> selectorMatches,
    ILogger? logger = null)
{
    /// <summary>How many times one write is retried after losing a compare-and-swap race (Calico's datastoreRetries).</summary>
    public const int DatastoreRetries = 100;

    /// <summary>The attribute that records which node an address was allocated for (borrowed when it differs from the block's affinity).</summary>
    public const string NodeAttribute = "node";

    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Node, AddressFamily Family), IPNetwork> _lastBlockWithSpace = new();
    private readonly RecordCache _cache = new();
    private long _conflicts;

    /// <summary>Compare-and-swap writes that lost a race and were retried, since this client was created.</summary>
    public long ConflictRetries => Interlocked.Read(ref _conflicts);

    /// <summary>Allocates <c>Num4</c> IPv4 and <c>Num6</c> IPv6 addresses for a node, all or nothing: if the request cannot be
    /// met in full, whatever it took is released again and <see cref="IpamCapacityException"/> is thrown.</summary>
    public async Task<IReadOnlyList<AssignedAddress>> AutoAssignAsync(AutoAssignRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new[] { IpamKeys.CheckSegment("node", request.Node), IpamKeys.CheckSegment("handle", request.HandleId) }
            .OfType<string>().ToList();
        if (request.Num4 < 0 || request.Num6 < 0) errors.Add("address counts must not be negative.");
        if (request.Num4 == 0 && request.Num6 == 0) errors.Add("nothing requested: the IPv4 and IPv6 counts are both 0.");
        if (errors.Count > 0) throw new IpamRequestException(string.Join(" ", errors));

        var context = await LoadContextAsync(request.Node, cancellationToken);
        var attributes = WithNode(request.Attributes, request.Node);
        var assigned = new List<AssignedAddress>();
        try
        {
            if (request.Num4 > 0) await AutoAssignFamilyAsync(request, AddressFamily.InterNetwork, request.Num4, attributes, context, assigned, cancellationToken);
            if (request.Num6 > 0) await AutoAssignFamilyAsync(request, AddressFamily.InterNetworkV6, request.Num6, attributes, context, assigned, cancellationToken);
            return assigned;
        }
        catch (Exception e) when (e is IpamException or OperationCanceledException && assigned.Count > 0)
        {
            // All or nothing: give back what this request took. The sequence numbers make sure only our allocations are freed.
            await ReleaseAsync([.. assigned.Select(a => new IpamReleaseRequest(a.Address, request.HandleId, a.SequenceNumber))], CancellationToken.None);
            Log.RolledBack(_logger, request.HandleId, assigned.Count);
            throw;
        }
    }

    /// <summary>Allocates one specific address. It must lie in a configured pool; its block is created (affine to
    /// <paramref name="node"/>) if it does not exist; an address already allocated is refused with <see cref="IpamAddressInUseException"/>;
    /// with strict affinity an address in another host's block is refused.</summary>
    public async Task<AssignedAddress> AssignIPAsync(IPAddress address, string handleId, string node, IReadOnlyDictionary<string, string>? attributes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if ((IpamKeys.CheckSegment("node", node) ?? IpamKeys.CheckSegment("handle", handleId)) is { } error) throw new IpamRequestException(error);
        var context = await LoadContextAsync(node, cancellationToken);
        var config = await GetConfigAsync(cancellationToken);
        var pool = context.Pools.FirstOrDefault(p => p.Cidr.Contains(address))
            ?? throw new IpamRequestException($"{address} is not in any configured IP pool.");
        var cidr = IPMath.BlockOf(address, pool.EffectiveBlockSize);
        var key = IpamKeys.Block(cidr);
        var attrs = WithNode(attributes, node);
        for (var attempt = 0; attempt < DatastoreRetries; attempt++)
        {
            var kv = await store.GetAsync(key, cancellationToken);
            if (kv is null)
            {
                // Create the block with affinity to the requesting node (Calico's AssignIP), then allocate in it.
                await TryClaimAsync(node, cidr, cancellationToken);
                continue;
            }
            var block = AllocationBlock.Decode(cidr, kv.Value);
            if (config.StrictAffinity && block.AffinityHost is { } owner && owner != node)
                throw new IpamRequestException($"{address} is in block {cidr}, which is affine to node '{owner}'; strict affinity forbids using it from node '{node}'.");
            var ordinal = block.OrdinalOf(address);
            if (!block.TryAssign(ordinal, handleId, attrs))
                throw new IpamAddressInUseException($"{address} is already allocated (handle '{block.HandleOf(ordinal)}').");
            if (await TryCommitBlockAsync(key, kv.ModRevision, block, HandleAdd(handleId, cidr, 1), freshHandles: attempt > 0, cancellationToken))
                return new AssignedAddress(address, cidr.PrefixLength, block.SequenceOf(ordinal));
        }
        throw Exhausted($"assigning {address}");
    }

    /// <summary>Reads the IPAM configuration (defaults when none is stored).</summary>
    public async Task<IpamConfig> GetConfigAsync(CancellationToken cancellationToken = default) =>
        (await ReadConfigAsync(cancellationToken)).Config;

    /// <summary>Changes the given settings (null keeps the current value) with compare-and-swap and returns the result.</summary>
    public async Task<IpamConfig> ConfigureAsync(bool? strictAffinity, int? maxBlocksPerHost, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < DatastoreRetries; attempt++)
        {
            var (current, revision) = await ReadConfigAsync(cancellationToken);
            var wanted = current with
            {
                StrictAffinity = strictAffinity ?? current.StrictAffinity,
                MaxBlocksPerHost = maxBlocksPerHost ?? current.MaxBlocksPerHost,
            };
            var errors = wanted.Validate();
            if (errors.Count > 0) throw new IpamRequestException("Invalid IPAM configuration: " + string.Join(" ", errors));
            var json = JsonSerializer.Serialize(
                new ConfigRecord { StrictAffinity = wanted.StrictAffinity, AutoAllocateBlocks = wanted.AutoAllocateBlocks, MaxBlocksPerHost = wanted.MaxBlocksPerHost },
                IpamJsonContext.Default.ConfigRecord);
            if (await CommitAsync([new KvCondition(IpamKeys.Config, revision)], [KvOperation.Put(IpamKeys.Config, json)], cancellationToken)) return wanted;
        }
        throw Exhausted("updating the IPAM configuration");
    }

    private async Task AutoAssignFamilyAsync(
        AutoAssignRequest request, AddressFamily family, int count, IReadOnlyDictionary<string, string> attributes,
        RequestContext context, List<AssignedAddress> assigned, CancellationToken cancellationToken)
    {
        var version = IpamKeys.Version(family);
        var pools = EligiblePools(request, family, context);
        var need = count;
        var full = new HashSet<IPNetwork>();
        var claimConflicts = 0;
        string? shortfall = null;
        IpamConfig? config = null;

        for (var round = 0; need > 0; round++)
        {
            // Round 0 is the fast path: the node's affine blocks and their contents as this client last saw them (a stale guess
            // only costs a failed compare-and-swap). Every later round re-lists and re-reads, so no decision below (claim, limit,
            // borrow, give up) rests on cached data.
            var fresh = round > 0;
            // 1. Blocks affine to this node (re-listed each fresh round: a sibling allocator on the node may have claimed one).
            var affine = await AffineBlocksAsync(request.Node, family, pools, context.Reservations, fresh, cancellationToken);
            // The block this client last allocated from for the node goes first.
            var hint = _lastBlockWithSpace.TryGetValue((request.Node, family), out var h) ? h : (IPNetwork?)null;
            foreach (var cidr in affine.Where(c => !full.Contains(c)).OrderBy(c => c.Equals(hint) ? 0 : 1))
            {
                var got = await AssignFromBlockAsync(cidr, need, request.HandleId, attributes, context.Reservations, request.Node, useCache: !fresh, cancellationToken);
                assigned.AddRange(got);
                need -= got.Count;
                if (need == 0)
                {
                    _lastBlockWithSpace[(request.Node, family)] = cidr;
                    return;
                }
                if (fresh) full.Add(cidr);
            }
            if (!fresh) continue;

            // 2. Claim a new block, within the per-host limit (configuration read now, fresh).
            config ??= await GetConfigAsync(cancellationToken);
            var maxBlocks = request.MaxBlocksPerHost > 0 ? Math.Min(request.MaxBlocksPerHost, config.EffectiveMaxBlocksPerHost) : config.EffectiveMaxBlocksPerHost;
            if (affine.Count >= maxBlocks)
            {
                throw new IpamCapacityException(
                    $"Assigned {count - need} of {count} requested IPv{version} addresses for node '{request.Node}': need a new block but the node already has {affine.Count} blocks (limit {maxBlocks}).");
            }
            if (!config.AutoAllocateBlocks)
            {
                shortfall = "no free address in the node's blocks and automatic block allocation is off";
                break;
            }
            var claim = await TryClaimUnclaimedAsync(request.Node, pools, context.Reservations, cancellationToken);
            if (claim == ClaimOutcome.NoneFree)
            {
                shortfall = config.StrictAffinity ? "no free blocks left and strict affinity forbids borrowing" : "no free blocks left";
                break;
            }
            if (claim == ClaimOutcome.Conflict && ++claimConflicts >= DatastoreRetries) throw Exhausted($"claiming a block for node '{request.Node}'");
        }

        // 3. Borrow from other hosts' blocks (never with strict affinity).
        config ??= await GetConfigAsync(cancellationToken);
        if (!config.StrictAffinity)
        {
            need -= await BorrowAsync(request, family, need, attributes, pools, context.Reservations, full, assigned, cancellationToken);
        }
        if (need > 0)
        {
            throw new IpamCapacityException(
                $"Assigned {count - need} of {count} requested IPv{version} addresses for node '{request.Node}' from pools {string.Join(", ", pools.Select(p => p.Cidr))}: {shortfall ?? "no free addresses"}.");
        }
    }

    private async Task<int> BorrowAsync(
        AutoAssignRequest request, AddressFamily family, int need, IReadOnlyDictionary<string, string> attributes, List<IpamPool> pools,
        IReadOnlyList<IPNetwork> reserved, HashSet<IPNetwork> full, List<AssignedAddress> assigned, CancellationToken cancellationToken)
    {
        var listed = await store.ListAsync(IpamKeys.BlockPrefix(family), cancellationToken);
        var candidates = listed.Items
            .Select(kv => AllocationBlock.Decode(IpamKeys.CidrFromKey(kv.Key), kv.Value))
            .Where(b => !full.Contains(b.Cidr) && pools.Exists(p => IPMath.Covers(p.Cidr, b.Cidr)) && b.FreeCount(b.ReservedOrdinals(reserved)) > 0)
            .Select(b => b.Cidr)
            .ToList();
        var taken = 0;
        foreach (var cidr in HostSeededOrder(candidates, request.Node))
        {
            var got = await AssignFromBlockAsync(cidr, need - taken, request.HandleId, attributes, reserved, requiredAffinity: null, useCache: false, cancellationToken);
            if (got.Count > 0) Log.Borrowed(_logger, got.Count, cidr, request.Node);
            assigned.AddRange(got);
            taken += got.Count;
            if (taken == need) break;
        }
        return taken;
    }

    /// <summary>Allocates up to <paramref name="count"/> addresses in one block (one CAS transaction with the handle).
    /// Returns none if the block is gone, full, or no longer affine to <paramref name="requiredAffinity"/>. With
    /// <paramref name="useCache"/> the first attempt works on the cached copy of the block (no read; "full" may be stale).</summary>
    private async Task<IReadOnlyList<AssignedAddress>> AssignFromBlockAsync(
        IPNetwork cidr, int count, string handleId, IReadOnlyDictionary<string, string> attributes, IReadOnlyList<IPNetwork> reserved,
        string? requiredAffinity, bool useCache, CancellationToken cancellationToken)
    {
        var key = IpamKeys.Block(cidr);
        for (var attempt = 0; attempt < DatastoreRetries; attempt++)
        {
            var current = attempt == 0 && useCache ? _cache.Get(key) : null;
            if (current is null)
            {
                var kv = await store.GetAsync(key, cancellationToken);
                if (kv is null)
                {
                    _cache.Forget(key);
                    return [];
                }
                current = _cache.Remember(key, kv.Value, kv.ModRevision);
            }
            var block = AllocationBlock.Decode(cidr, current.Value);
            if (requiredAffinity is not null && block.AffinityHost != requiredAffinity) return [];
            var ordinals = block.AutoAssign(count, handleId, attributes, block.ReservedOrdinals(reserved));
            if (ordinals.Count == 0) return [];
            if (await TryCommitBlockAsync(key, current.ModRevision, block, HandleAdd(handleId, cidr, ordinals.Count), freshHandles: attempt > 0, cancellationToken))
            {
                return [.. ordinals.Select(o => new AssignedAddress(block.AddressOf(o), cidr.PrefixLength, block.SequenceOf(o)))];
            }
        }
        throw Exhausted($"allocating in block {cidr}");
    }

    private async Task<List<IPNetwork>> AffineBlocksAsync(
        string node, AddressFamily family, List<IpamPool> pools, IReadOnlyList<IPNetwork> reserved, bool fresh, CancellationToken cancellationToken)
    {
        if (fresh || _cache.AffineBlocks(node, family) is not { } confirmed)
        {
            var listed = await store.ListAsync(IpamKeys.AffinityPrefix(node, family), cancellationToken);
            confirmed = [.. listed.Items
                .Where(kv => JsonSerializer.Deserialize(kv.Value, IpamJsonContext.Default.AffinityRecord) is { State: AffinityRecord.Confirmed, Deleted: false })   // pending counts as absent
                .Select(kv => IpamKeys.CidrFromKey(kv.Key))];
            _cache.RememberAffineBlocks(node, family, confirmed);
        }
        return [.. confirmed.Where(cidr => pools.Exists(p => IPMath.Covers(p.Cidr, cidr)) && !reserved.Any(r => IPMath.Covers(r, cidr)))];   // wholly reserved: useless
    }

    private List<IpamPool> EligiblePools(AutoAssignRequest request, AddressFamily family, RequestContext context)
    {
        var ofFamily = context.Pools.Where(p => p.Family == family && p.Validate().Count == 0).ToList();
        IEnumerable<IpamPool> candidates;
        if (request.Pools is { } requested && requested.Any(r => r.BaseAddress.AddressFamily == family))
        {
            var chosen = new List<IpamPool>();
            foreach (var cidr in requested.Where(r => r.BaseAddress.AddressFamily == family))
            {
                var pool = ofFamily.Find(p => p.Cidr.Equals(cidr)) ?? throw new IpamRequestException($"{cidr} is not a configured IP pool.");
                if (pool.Disabled) throw new IpamRequestException($"IP pool {cidr} is disabled.");
                chosen.Add(pool);
            }
            candidates = chosen;
        }
        else
        {
            candidates = ofFamily.Where(p => !p.Disabled);
        }
        var eligible = candidates
            .Where(p => p.Allows(request.Use) && selectorMatches(string.IsNullOrWhiteSpace(p.NodeSelector) ? "all()" : p.NodeSelector, context.NodeLabels))
            .OrderBy(p => IPMath.ToInteger(p.Cidr.BaseAddress))
            .ToList();
        if (eligible.Count == 0)
        {
            throw new IpamCapacityException(
                $"No IPv{IpamKeys.Version(family)} pool is usable for node '{request.Node}' and use {request.Use} (none enabled, selecting the node and allowing the use).");
        }
        return eligible;
    }

    private async Task<RequestContext> LoadContextAsync(string node, CancellationToken cancellationToken)
    {
        var allPools = await pools.GetPoolsAsync(cancellationToken);
        var reserved = await reservations.GetReservedCidrsAsync(cancellationToken);
        var labels = await nodes.GetNodeLabelsAsync(node, cancellationToken) ?? NoLabels;
        return new RequestContext(allPools, reserved, labels);
    }

    private async Task<(IpamConfig Config, long Revision)> ReadConfigAsync(CancellationToken cancellationToken)
    {
        var kv = await store.GetAsync(IpamKeys.Config, cancellationToken);
        if (kv is null) return (IpamConfig.Default, 0);
        var record = JsonSerializer.Deserialize(kv.Value, IpamJsonContext.Default.ConfigRecord) ?? new ConfigRecord();
        return (new IpamConfig(record.StrictAffinity, record.AutoAllocateBlocks, record.MaxBlocksPerHost), kv.ModRevision);
    }

    private static IReadOnlyDictionary<string, string> WithNode(IReadOnlyDictionary<string, string>? attributes, string node)
    {
        var result = attributes is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        result.TryAdd(NodeAttribute, node);
        return result;
    }

    /// <summary>Rotates <paramref name="items"/> to start at a position derived from the host name (Calico seeds its block walk
    /// from the host name too), so different hosts start in different places and rarely collide.</summary>
    private static IEnumerable<IPNetwork> HostSeededOrder(List<IPNetwork> items, string node)
    {
        if (items.Count == 0) yield break;
        var start = (int)(IPMath.HostSeed(node) % (ulong)items.Count);
        for (var i = 0; i < items.Count; i++) yield return items[(start + i) % items.Count];
    }

    private IpamConflictException Exhausted(string what) =>
        new($"Gave up {what} after {DatastoreRetries} conflicting concurrent updates; try again.");

    private sealed record RequestContext(IReadOnlyList<IpamPool> Pools, IReadOnlyList<IPNetwork> Reservations, IReadOnlyDictionary<string, string> NodeLabels);
}
