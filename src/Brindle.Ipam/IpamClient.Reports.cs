using System.Net;
using System.Text.Json;
using Brindle.Datastore.Kv;
using Brindle.Ipam.Records;
using Brindle.Ipam.Reports;

namespace Brindle.Ipam;

/// <summary><c>ipam show</c>, <c>ipam check</c> and the safe repairs of <c>ipam check --fix</c>, each from one consistent read.</summary>
public sealed partial class IpamClient
{
    /// <summary>Usage per pool and per block, and the borrowed addresses.</summary>
    public async Task<IpamUsageReport> ShowAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await LoadSnapshotAsync(cancellationToken);
        var allPools = await pools.GetPoolsAsync(cancellationToken);
        var blocks = new List<IpamBlockUsage>();
        var borrowed = new List<IpamBorrowedAddress>();
        foreach (var (cidr, (block, _)) in snapshot.Blocks.OrderBy(b => b.Key.BaseAddress.AddressFamily).ThenBy(b => IPMath.ToInteger(b.Key.BaseAddress)))
        {
            var pool = allPools.FirstOrDefault(p => IPMath.Covers(p.Cidr, cidr));
            var owner = block.AffinityHost;
            var foreign = owner is null ? [] : block.Allocations()
                .Where(a => a.Attributes?.GetValueOrDefault(NodeAttribute) is { } n && n != owner)
                .Select(a => new IpamBorrowedAddress(block.AddressOf(a.Ordinal), cidr, owner, a.Attributes![NodeAttribute], a.Handle))
                .ToList();
            borrowed.AddRange(foreign);
            blocks.Add(new IpamBlockUsage(cidr, pool?.Cidr, owner, block.Size, block.AllocatedCount, foreign.Count));
        }
        var poolUsage = allPools
            .Select(p =>
            {
                var inPool = blocks.Where(b => b.Pool is { } c && c.Equals(p.Cidr)).ToList();
                return new IpamPoolUsage(p.Cidr, IPMath.Size(p.Family, p.Cidr.PrefixLength), inPool.Sum(b => b.Allocated), inPool.Count, p.Disabled);
            })
            .ToList();
        return new IpamUsageReport(poolUsage, blocks, borrowed);
    }

    /// <summary>Checks handles against blocks, affinities against blocks and nodes, and (when <paramref name="endpoints"/> is given:
    /// every address a workload or host endpoint uses, mapped to its owner's name) allocations against endpoints.</summary>
    public async Task<IpamCheckReport> CheckAsync(IReadOnlyDictionary<IPAddress, string>? endpoints, CancellationToken cancellationToken = default) =>
        await CheckAsync(await LoadSnapshotAsync(cancellationToken), endpoints, cancellationToken);

    /// <summary>Repairs what is safe to repair, each with compare-and-swap on the records it was judged from: handle records are
    /// rewritten to match the blocks; affinities without a block are deleted; pending affinities are confirmed or dropped; empty
    /// blocks affine to a node that no longer exists are given back. Leaked addresses and non-empty blocks of missing nodes are
    /// only reported: releasing them could take an address from a workload that is just being created.</summary>
    public async Task<IpamFixResult> FixAsync(IReadOnlyDictionary<IPAddress, string>? endpoints, CancellationToken cancellationToken = default)
    {
        var snapshot = await LoadSnapshotAsync(cancellationToken);
        var report = await CheckAsync(snapshot, endpoints, cancellationToken);
        var repairs = new List<string>();
        foreach (var handleId in report.HandleProblems.Select(p => p.HandleId).Distinct(StringComparer.Ordinal))
        {
            if (await TryRewriteHandleAsync(snapshot, handleId, cancellationToken)) repairs.Add($"rewrote handle '{handleId}' to match its blocks");
        }
        foreach (var problem in report.AffinityProblems)
        {
            if (await TryRepairAffinityAsync(snapshot, problem, cancellationToken)) repairs.Add($"{Describe(problem.Kind)}: node '{problem.Node}', block {problem.Block}");
        }
        foreach (var repair in repairs) Log.Repaired(_logger, repair);
        return new IpamFixResult(repairs, await CheckAsync(endpoints, cancellationToken));
    }

    private async Task<IpamCheckReport> CheckAsync(IpamSnapshot snapshot, IReadOnlyDictionary<IPAddress, string>? endpoints, CancellationToken cancellationToken)
    {
        var leaks = new List<IpamLeak>();
        var handleProblems = new List<IpamHandleProblem>();
        var affinityProblems = new List<IpamAffinityProblem>();
        var blockProblems = new List<IpamBlockProblem>();
        var allocated = new HashSet<IPAddress>();
        var actual = new Dictionary<(string Handle, IPNetwork Block), int>();

        foreach (var (cidr, (block, _)) in snapshot.Blocks)
        {
            blockProblems.AddRange(block.Problems().Select(p => new IpamBlockProblem(cidr, p)));
            foreach (var (ordinal, handle, attributes) in block.Allocations())
            {
                var address = block.AddressOf(ordinal);
                allocated.Add(address);
                if (handle is not null) actual[(handle, cidr)] = actual.GetValueOrDefault((handle, cidr)) + 1;
                if (endpoints is not null && !endpoints.ContainsKey(address)) leaks.Add(new IpamLeak(address, handle, attributes?.GetValueOrDefault(NodeAttribute)));
            }
        }
        var missing = endpoints is null ? [] : endpoints.Where(e => !allocated.Contains(e.Key)).Select(e => new IpamMissingAllocation(e.Key, e.Value)).ToList();

        foreach (var (handleId, (record, _)) in snapshot.Handles)
        {
            foreach (var (cidrText, recorded) in record.Block)
            {
                var cidr = IPNetwork.Parse(cidrText);
                var count = actual.GetValueOrDefault((handleId, cidr));
                if (count == 0) handleProblems.Add(new IpamHandleProblem(handleId, cidr, recorded, 0, IpamHandleProblemKind.Orphaned));
                else if (count != recorded) handleProblems.Add(new IpamHandleProblem(handleId, cidr, recorded, count, IpamHandleProblemKind.CountMismatch));
            }
        }
        foreach (var ((handleId, cidr), count) in actual)
        {
            if (!snapshot.Handles.TryGetValue(handleId, out var h)) handleProblems.Add(new IpamHandleProblem(handleId, cidr, 0, count, IpamHandleProblemKind.MissingRecord));
            else if (!h.Record.Block.ContainsKey(cidr.ToString())) handleProblems.Add(new IpamHandleProblem(handleId, cidr, 0, count, IpamHandleProblemKind.CountMismatch));
        }

        var nodeExists = new Dictionary<string, bool>(StringComparer.Ordinal);
        async Task<bool> ExistsAsync(string node)
        {
            if (!nodeExists.TryGetValue(node, out var exists)) nodeExists[node] = exists = await nodes.GetNodeLabelsAsync(node, cancellationToken) is not null;
            return exists;
        }
        var recordedAffinities = new HashSet<(string, IPNetwork)>();
        foreach (var (node, cidr, record, _) in snapshot.Affinities)
        {
            recordedAffinities.Add((node, cidr));
            var block = snapshot.Blocks.GetValueOrDefault(cidr).Block;
            var count = block?.AllocatedCount ?? 0;
            if (!await ExistsAsync(node)) affinityProblems.Add(new IpamAffinityProblem(node, cidr, count, IpamAffinityProblemKind.NodeMissing));
            else if (record.State != AffinityRecord.Confirmed) affinityProblems.Add(new IpamAffinityProblem(node, cidr, count, IpamAffinityProblemKind.Pending));
            else if (block is null || block.AffinityHost != node) affinityProblems.Add(new IpamAffinityProblem(node, cidr, count, IpamAffinityProblemKind.NoBlock));
        }
        foreach (var (cidr, (block, _)) in snapshot.Blocks)
        {
            if (block.AffinityHost is not { } node || recordedAffinities.Contains((node, cidr))) continue;
            var kind = await ExistsAsync(node) ? IpamAffinityProblemKind.NoRecord : IpamAffinityProblemKind.NodeMissing;
            affinityProblems.Add(new IpamAffinityProblem(node, cidr, block.AllocatedCount, kind));
        }

        return new IpamCheckReport(
            snapshot.Blocks.Count,
            allocated.Count,
            snapshot.Handles.Count,
            snapshot.Handles.Values.Sum(h => h.Record.Block.Values.Sum()),
            endpoints is not null,
            leaks,
            missing,
            handleProblems,
            affinityProblems,
            blockProblems);
    }

    /// <summary>Rewrites one handle record from the blocks, conditional on the handle and every block it touches being unchanged.</summary>
    private async Task<bool> TryRewriteHandleAsync(IpamSnapshot snapshot, string handleId, CancellationToken cancellationToken)
    {
        var key = IpamKeys.Handle(handleId);
        var truth = new HandleRecord();
        var conditions = new List<KvCondition> { new(key, snapshot.Handles.TryGetValue(handleId, out var h) ? h.Revision : 0) };
        var named = h.Record?.Block.Keys.Select(IPNetwork.Parse).ToHashSet() ?? [];
        foreach (var (cidr, (block, revision)) in snapshot.Blocks)
        {
            var count = block.Allocations().Count(a => a.Handle == handleId);
            if (count > 0) truth.Block[cidr.ToString()] = count;
            if (count > 0 || named.Contains(cidr)) conditions.Add(new KvCondition(IpamKeys.Block(cidr), revision));
        }
        conditions.AddRange(named.Where(c => !snapshot.Blocks.ContainsKey(c)).Select(c => new KvCondition(IpamKeys.Block(c), 0)));
        var op = truth.Block.Count == 0 ? KvOperation.Delete(key) : KvOperation.Put(key, JsonSerializer.Serialize(truth, IpamJsonContext.Default.HandleRecord));
        return await CommitAsync(conditions, [op], cancellationToken);
    }

    private async Task<bool> TryRepairAffinityAsync(IpamSnapshot snapshot, IpamAffinityProblem problem, CancellationToken cancellationToken)
    {
        var affinityKey = IpamKeys.Affinity(problem.Node, problem.Block);
        var blockKey = IpamKeys.Block(problem.Block);
        var hasBlock = snapshot.Blocks.TryGetValue(problem.Block, out var b);
        var affinityRevision = snapshot.Affinities.FirstOrDefault(a => a.Node == problem.Node && a.Cidr.Equals(problem.Block)).Revision;
        var blockIsOurs = hasBlock && b.Block.AffinityHost == problem.Node;
        var confirmed = JsonSerializer.Serialize(new AffinityRecord { State = AffinityRecord.Confirmed }, IpamJsonContext.Default.AffinityRecord);
        return problem.Kind switch
        {
            // Only an empty block is given back; one still holding addresses stays until they are released.
            IpamAffinityProblemKind.NodeMissing when problem.Allocated == 0 =>
                await CommitAsync(
                    [new(affinityKey, affinityRevision), new(blockKey, hasBlock ? b.Revision : 0)],
                    [KvOperation.Delete(affinityKey), .. blockIsOurs || !hasBlock ? [KvOperation.Delete(blockKey)] : Array.Empty<KvOperation>()],
                    cancellationToken),
            IpamAffinityProblemKind.Pending when blockIsOurs =>
                await CommitAsync([new(affinityKey, affinityRevision), new(blockKey, b.Revision)], [KvOperation.Put(affinityKey, confirmed)], cancellationToken),
            IpamAffinityProblemKind.Pending or IpamAffinityProblemKind.NoBlock =>
                await CommitAsync([new(affinityKey, affinityRevision), new(blockKey, hasBlock ? b.Revision : 0)], [KvOperation.Delete(affinityKey)], cancellationToken),
            IpamAffinityProblemKind.NoRecord =>
                await CommitAsync([new(affinityKey, 0), new(blockKey, b.Revision)], [KvOperation.Put(affinityKey, confirmed)], cancellationToken),
            _ => false,
        };
    }

    private static string Describe(IpamAffinityProblemKind kind) => kind switch
    {
        IpamAffinityProblemKind.NodeMissing => "released empty block of missing node",
        IpamAffinityProblemKind.NoBlock => "deleted affinity without block",
        IpamAffinityProblemKind.NoRecord => "recreated affinity record",
        _ => "resolved pending affinity",
    };

    private async Task<IpamSnapshot> LoadSnapshotAsync(CancellationToken cancellationToken)
    {
        var listed = await store.ListAsync(IpamKeys.Root, cancellationToken);
        var snapshot = new IpamSnapshot([], [], new(StringComparer.Ordinal));
        foreach (var kv in listed.Items)
        {
            if (kv.Key.StartsWith(IpamKeys.AssignmentPrefix, StringComparison.Ordinal))
            {
                var cidr = IpamKeys.CidrFromKey(kv.Key);
                snapshot.Blocks[cidr] = (AllocationBlock.Decode(cidr, kv.Value), kv.ModRevision);
            }
            else if (IpamKeys.ParseAffinity(kv.Key) is var (node, cidr))
            {
                var record = JsonSerializer.Deserialize(kv.Value, IpamJsonContext.Default.AffinityRecord) ?? new AffinityRecord();
                snapshot.Affinities.Add((node, cidr, record, kv.ModRevision));
            }
            else if (kv.Key.StartsWith(IpamKeys.HandlePrefix, StringComparison.Ordinal))
            {
                var record = JsonSerializer.Deserialize(kv.Value, IpamJsonContext.Default.HandleRecord) ?? new HandleRecord();
                snapshot.Handles[kv.Key[IpamKeys.HandlePrefix.Length..]] = (record, kv.ModRevision);
            }
        }
        return snapshot;
    }

    /// <summary>Every IPAM record as read at one store revision, with each record's ModRevision for compare-and-swap repairs.</summary>
    private sealed record IpamSnapshot(
        Dictionary<IPNetwork, (AllocationBlock Block, long Revision)> Blocks,
        List<(string Node, IPNetwork Cidr, AffinityRecord Record, long Revision)> Affinities,
        Dictionary<string, (HandleRecord Record, long Revision)> Handles);
}
