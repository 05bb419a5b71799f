namespace Brindle.Ipam.Tests;

/// <summary>The client's record cache is only a first guess: stale copies cost a failed compare-and-swap, never an address.</summary>
public sealed class RecordCacheTests
{
    [Fact]
    public async Task AutoAssign_CachedBlockChangedByAnotherClient_RetriesFreshAndStopsGuessing()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24", 28);
        var other = bed.NewClient();

        var first = await bed.AssignAsync("node1", "a1");
        var second = await other.AutoAssignAsync(new AutoAssignRequest("node1", "b1"));   // same block, behind the first client's back
        var third = await bed.AssignAsync("node1", "a2");                                  // cached copy is stale: one lost race
        var conflictsAfterStale = bed.Client.ConflictRetries;
        await other.AutoAssignAsync(new AutoAssignRequest("node1", "b2"));
        var fourth = await bed.AssignAsync("node1", "a3");                                 // block now known contended: read fresh

        var all = new[] { first, second, third, fourth }.Select(a => a.Single().Address).ToList();
        Assert.Equal(4, all.Distinct().Count());
        Assert.Equal(1, conflictsAfterStale);
        Assert.Equal(1, bed.Client.ConflictRetries);
    }

    [Fact]
    public async Task AutoAssign_UncontendedBlock_NeedsNoConflictRetries()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24", 28);

        for (var i = 0; i < 40; i++) await bed.AssignAsync("node1", $"h{i}");

        Assert.Equal(0, bed.Client.ConflictRetries);
        Assert.Equal(40, (await bed.Client.ShowAsync()).AllocatedTotal);
    }
}
