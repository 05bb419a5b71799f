using System.Globalization;
using System.Net;
using System.Text.Json;
using Brindle.Ipam.Records;

namespace Brindle.Ipam;

/// <summary>
/// The pure allocation logic of one block: a working copy decoded from one store revision, changed in memory,
/// then encoded and written back with compare-and-swap. No I/O.
/// </summary>
/// <remarks>
/// Invariants (checked by the tests and by <c>ipam check</c>):
/// every ordinal is either allocated (an attribute index) or in <c>unallocated</c>, never both, never neither;
/// freed ordinals go to the back of <c>unallocated</c> (first freed, first reused);
/// every write raises <c>sequenceNumber</c>, and an allocated ordinal remembers the value of the write that allocated it;
/// every attribute entry is referenced by at least one allocation.
/// Every address of the block is usable, including the first and last (Calico routes /32s; there is no subnet broadcast).
/// </remarks>
internal sealed class AllocationBlock
{
    private const string HostPrefix = "host:";

    private AllocationBlock(IPNetwork cidr, BlockRecord record)
    {
        Cidr = cidr;
        Record = record;
    }

    public IPNetwork Cidr { get; }

    public BlockRecord Record { get; }

    public int Size => Record.Allocations.Count;

    /// <summary>The node named by the block's <c>host:</c> affinity, or null.</summary>
    public string? AffinityHost => Record.Affinity is { } a && a.StartsWith(HostPrefix, StringComparison.Ordinal) ? a[HostPrefix.Length..] : null;

    public int AllocatedCount => Record.Allocations.Count(a => a is not null);

    public bool IsEmpty => Record.Allocations.TrueForAll(a => a is null);

    public static AllocationBlock New(IPNetwork cidr, string? affinityHost)
    {
        var size = (int)IPMath.Size(cidr.BaseAddress.AddressFamily, cidr.PrefixLength);
        var record = new BlockRecord
        {
            Cidr = cidr.ToString(),
            Affinity = affinityHost is null ? null : HostPrefix + affinityHost,
            Allocations = [.. Enumerable.Repeat<int?>(null, size)],
            Unallocated = [.. Enumerable.Range(0, size)],
        };
        return new AllocationBlock(cidr, record);
    }

    public static AllocationBlock Decode(IPNetwork cidr, string json)
    {
        var record = JsonSerializer.Deserialize(json, IpamJsonContext.Default.BlockRecord)
            ?? throw new InvalidDataException($"IPAM block {cidr}: stored value is null.");
        return new AllocationBlock(cidr, record);
    }

    public string Encode() => JsonSerializer.Serialize(Record, IpamJsonContext.Default.BlockRecord);

    public IPAddress AddressOf(int ordinal) => IPMath.AddressAt(Cidr, ordinal);

    public int OrdinalOf(IPAddress address) => IPMath.OrdinalOf(Cidr, address);

    public ulong SequenceOf(int ordinal) => Record.SequenceNumberForAllocation.GetValueOrDefault(Key(ordinal));

    public string? HandleOf(int ordinal) => Record.Allocations[ordinal] is { } i ? Record.Attributes[i].HandleId : null;

    public IReadOnlyDictionary<string, string>? AttributesOf(int ordinal) => Record.Allocations[ordinal] is { } i ? Record.Attributes[i].Secondary : null;

    /// <summary>Per ordinal: is it inside an IPReservation.</summary>
    public bool[] ReservedOrdinals(IReadOnlyList<IPNetwork> reservations)
    {
        var reserved = new bool[Size];
        foreach (var r in reservations)
        {
            if (IPMath.Covers(r, Cidr)) return [.. Enumerable.Repeat(true, Size)];
            if (!IPMath.Covers(Cidr, r)) continue;
            var first = OrdinalOf(r.BaseAddress);
            var count = (int)IPMath.Size(r.BaseAddress.AddressFamily, r.PrefixLength);
            for (var o = first; o < first + count; o++) reserved[o] = true;
        }
        return reserved;
    }

    public int FreeCount(bool[] reserved) => Record.Unallocated.Count(o => !reserved[o]);

    /// <summary>Allocates up to <paramref name="count"/> free, unreserved ordinals from the front of the free list.</summary>
    public IReadOnlyList<int> AutoAssign(int count, string handleId, IReadOnlyDictionary<string, string> attributes, bool[] reserved)
    {
        var taken = new List<int>(Math.Min(count, Size));
        foreach (var ordinal in Record.Unallocated)
        {
            if (taken.Count == count) break;
            if (!reserved[ordinal]) taken.Add(ordinal);
        }
        if (taken.Count == 0) return taken;
        Record.SequenceNumber++;
        var attributeIndex = FindOrAddAttribute(handleId, attributes);
        var takenSet = taken.ToHashSet();
        Record.Unallocated.RemoveAll(takenSet.Contains);
        foreach (var ordinal in taken) MarkAllocated(ordinal, attributeIndex);
        return taken;
    }

    /// <summary>Allocates a specific ordinal; false if it is already allocated.</summary>
    public bool TryAssign(int ordinal, string handleId, IReadOnlyDictionary<string, string> attributes)
    {
        if (Record.Allocations[ordinal] is not null) return false;
        Record.SequenceNumber++;
        Record.Unallocated.Remove(ordinal);
        MarkAllocated(ordinal, FindOrAddAttribute(handleId, attributes));
        return true;
    }

    /// <summary>Frees one ordinal if it is allocated, belongs to <paramref name="handleId"/> (when given) and was allocated by the
    /// write with <paramref name="sequenceNumber"/> (when given). Returns the outcome and the handle it belonged to.</summary>
    public (BlockReleaseOutcome Outcome, string? Handle) Release(int ordinal, string? handleId, ulong? sequenceNumber)
    {
        if (Record.Allocations[ordinal] is not { } index) return (BlockReleaseOutcome.NotAllocated, null);
        var owner = Record.Attributes[index].HandleId;
        if (handleId is not null && !string.Equals(owner, handleId, StringComparison.Ordinal)) return (BlockReleaseOutcome.HandleMismatch, owner);
        if (sequenceNumber is { } seq && SequenceOf(ordinal) != seq) return (BlockReleaseOutcome.StaleSequence, owner);
        Free(ordinal);
        return (BlockReleaseOutcome.Released, owner);
    }

    /// <summary>Frees every ordinal owned by <paramref name="handleId"/>; returns them.</summary>
    public IReadOnlyList<int> ReleaseHandle(string handleId)
    {
        var ordinals = Enumerable.Range(0, Size).Where(o => string.Equals(HandleOf(o), handleId, StringComparison.Ordinal)).ToList();
        foreach (var o in ordinals) Free(o);
        return ordinals;
    }

    /// <summary>Called once after a batch of <see cref="Release"/> calls that freed something: one write, one sequence bump,
    /// and attributes no allocation refers to any more are dropped.</summary>
    public void CompleteRelease()
    {
        Record.SequenceNumber++;
        CompactAttributes();
    }

    /// <summary>Allocated ordinals with their owners.</summary>
    public IEnumerable<(int Ordinal, string? Handle, IReadOnlyDictionary<string, string>? Attributes)> Allocations() =>
        Enumerable.Range(0, Size).Where(o => Record.Allocations[o] is not null).Select(o => (o, HandleOf(o), AttributesOf(o)));

    /// <summary>Broken invariants of the stored record (for <c>ipam check</c>).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        var free = Record.Unallocated.ToHashSet();
        if (free.Count != Record.Unallocated.Count) problems.Add("unallocated list has duplicates");
        for (var o = 0; o < Size; o++)
        {
            var allocated = Record.Allocations[o] is { } i;
            if (allocated && free.Contains(o)) problems.Add($"ordinal {o} is both allocated and free");
            if (!allocated && !free.Contains(o)) problems.Add($"ordinal {o} is neither allocated nor free");
            if (Record.Allocations[o] is { } a && (a < 0 || a >= Record.Attributes.Count)) problems.Add($"ordinal {o} refers to missing attribute {a}");
        }
        return problems;
    }

    private static string Key(int ordinal) => ordinal.ToString(CultureInfo.InvariantCulture);

    private void MarkAllocated(int ordinal, int attributeIndex)
    {
        Record.Allocations[ordinal] = attributeIndex;
        Record.SequenceNumberForAllocation[Key(ordinal)] = Record.SequenceNumber;
    }

    private void Free(int ordinal)
    {
        Record.Allocations[ordinal] = null;
        Record.SequenceNumberForAllocation.Remove(Key(ordinal));
        Record.Unallocated.Add(ordinal);
    }

    private int FindOrAddAttribute(string handleId, IReadOnlyDictionary<string, string> attributes)
    {
        for (var i = 0; i < Record.Attributes.Count; i++)
        {
            var a = Record.Attributes[i];
            if (string.Equals(a.HandleId, handleId, StringComparison.Ordinal) && SameAttributes(a.Secondary, attributes)) return i;
        }
        Record.Attributes.Add(new AllocationAttributeRecord { HandleId = handleId, Secondary = new Dictionary<string, string>(attributes) });
        return Record.Attributes.Count - 1;
    }

    private static bool SameAttributes(Dictionary<string, string>? stored, IReadOnlyDictionary<string, string> wanted) =>
        (stored?.Count ?? 0) == wanted.Count && wanted.All(kv => stored!.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private void CompactAttributes()
    {
        var used = Record.Allocations.Where(a => a is not null).Select(a => a!.Value).ToHashSet();
        if (used.Count == Record.Attributes.Count) return;
        var remap = new Dictionary<int, int>();
        var kept = new List<AllocationAttributeRecord>();
        for (var i = 0; i < Record.Attributes.Count; i++)
        {
            if (!used.Contains(i)) continue;
            remap[i] = kept.Count;
            kept.Add(Record.Attributes[i]);
        }
        Record.Attributes = kept;
        for (var o = 0; o < Size; o++)
        {
            if (Record.Allocations[o] is { } i) Record.Allocations[o] = remap[i];
        }
    }
}
