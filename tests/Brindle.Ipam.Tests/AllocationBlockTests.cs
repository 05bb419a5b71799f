using System.Net;
using CsCheck;

namespace Brindle.Ipam.Tests;

public sealed class AllocationBlockTests
{
    private static readonly Dictionary<string, string> NoAttributes = [];

    [Fact]
    public void AutoAssignAndRelease_AnySequence_KeepsBlockInvariants()
    {
        var ops = Gen.Select(Gen.Bool, Gen.Int[1, 10], Gen.Int[0, 15]).Array[1, 60];
        ops.Sample(sequence =>
        {
            var block = AllocationBlock.New(IPNetwork.Parse("10.0.0.0/28"), "host1");
            var reserved = new bool[16];
            var held = new HashSet<int>();
            foreach (var (assign, count, ordinal) in sequence)
            {
                if (assign)
                {
                    var before = block.Record.SequenceNumber;
                    var taken = block.AutoAssign(count, $"h{ordinal}", NoAttributes, reserved);
                    if (taken.Count > 0 && block.Record.SequenceNumber == before) return false;
                    if (taken.Any(t => !held.Add(t))) return false;   // never hand out an allocated ordinal
                }
                else
                {
                    var (outcome, _) = block.Release(ordinal, null, null);
                    if ((outcome == BlockReleaseOutcome.Released) != held.Remove(ordinal)) return false;
                    if (outcome == BlockReleaseOutcome.Released) block.CompleteRelease();
                }
                if (block.Problems().Count > 0 || block.AllocatedCount != held.Count) return false;
            }
            return true;
        });
    }

    [Fact]
    public void AutoAssign_ReservedOrdinals_AreSkippedButStayFree()
    {
        var block = AllocationBlock.New(IPNetwork.Parse("10.0.0.0/29"), null);
        var reserved = block.ReservedOrdinals([IPNetwork.Parse("10.0.0.0/31"), IPNetwork.Parse("192.0.2.0/24")]);

        var taken = block.AutoAssign(8, "h", NoAttributes, reserved);

        Assert.Equal([2, 3, 4, 5, 6, 7], taken);
        Assert.Equal([0, 1], block.Record.Unallocated);
        Assert.Empty(block.Problems());
    }

    [Fact]
    public void ReservedOrdinals_ReservationCoveringTheBlock_ReservesEverything()
    {
        var block = AllocationBlock.New(IPNetwork.Parse("10.0.0.8/29"), null);

        Assert.All(block.ReservedOrdinals([IPNetwork.Parse("10.0.0.0/24")]), Assert.True);
        Assert.Equal(0, block.FreeCount(block.ReservedOrdinals([IPNetwork.Parse("10.0.0.0/24")])));
    }
}
