using System.Net;
using Brindle.Ipam.Reports;

namespace Brindle.Ipam.Tests;

public sealed class CheckTests
{
    [Fact]
    public async Task Check_ConsistentAllocations_IsCleanAndAgreesWithShow()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/24", 29)], nodes: IpamTestBed.Nodes("host1", "host2"));
        var ips = new List<AssignedAddress>();
        for (var i = 0; i < 12; i++) ips.AddRange(await bed.AssignAsync(i % 2 == 0 ? "host1" : "host2", $"h{i}"));

        var check = await bed.Client.CheckAsync(ips.ToDictionary(i => i.Address, i => "ep"));
        var show = await bed.Client.ShowAsync();

        Assert.True(check.IsClean);
        Assert.Equal(12, check.AllocatedAddresses);
        Assert.Equal(show.AllocatedTotal, check.AllocatedAddresses);
        Assert.Equal(check.HandleAddresses, check.AllocatedAddresses);
        Assert.Equal(12, show.Pools.Single().Allocated);
    }

    [Fact]
    public async Task Check_AddressWithoutEndpoint_IsALeakAndEndpointWithoutAllocationIsMissing()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/24")], nodes: IpamTestBed.Nodes("host1"));
        var used = (await bed.AssignAsync("host1", "used")).Single().Address;
        var leaked = (await bed.AssignAsync("host1", "leaked")).Single().Address;

        var check = await bed.Client.CheckAsync(new Dictionary<IPAddress, string> { [used] = "ns/pod-a", [IPAddress.Parse("10.0.0.99")] = "ns/pod-b" });
        var fix = await bed.Client.FixAsync(new Dictionary<IPAddress, string> { [used] = "ns/pod-a" });

        Assert.Equal(leaked, check.LeakedAddresses.Single().Address);
        Assert.Equal("leaked", check.LeakedAddresses.Single().HandleId);
        Assert.Equal("ns/pod-b", check.MissingAllocations.Single().Owner);
        Assert.Empty(fix.Repairs);                       // leaks are reported, never released automatically
        Assert.Single(fix.After.LeakedAddresses);
    }

    [Fact]
    public async Task Check_AffinityOfMissingNode_IsReportedAndFixReleasesOnlyEmptyBlocks()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/24", 28)], nodes: IpamTestBed.Nodes("alive"));
        var gone = (await bed.AssignAsync("gone", "g1")).Single().Address;
        await bed.AssignAsync("gone-busy", "g2");
        await bed.Client.ReleaseIPsAsync([gone]);

        var check = await bed.Client.CheckAsync(null);
        var fix = await bed.Client.FixAsync(null);

        Assert.Equal(["gone", "gone-busy"], check.AffinityProblems.Where(p => p.Kind == IpamAffinityProblemKind.NodeMissing).Select(p => p.Node).Order());
        Assert.Single(fix.Repairs);
        Assert.Equal("gone-busy", fix.After.AffinityProblems.Single().Node);
        Assert.Empty((await bed.Store.ListAsync("/calico/ipam/v2/host/gone/")).Items);
        Assert.Single(await bed.Client.GetIPsByHandleAsync("g2"));
    }

    [Fact]
    public async Task Check_HandleRecordsOutOfStep_AreReportedAndRewritten()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/26")], nodes: IpamTestBed.Nodes("host1"));
        await bed.AssignAsync("host1", "real", num4: 2);
        await bed.Store.PutAsync("/calico/ipam/v2/handle/orphan", """{"block":{"10.0.0.0/26":3},"deleted":false}""");
        await bed.Store.PutAsync("/calico/ipam/v2/handle/real", """{"block":{"10.0.0.0/26":5},"deleted":false}""");

        var check = await bed.Client.CheckAsync(null);
        var fix = await bed.Client.FixAsync(null);

        Assert.Contains(check.HandleProblems, p => p is { HandleId: "orphan", Kind: IpamHandleProblemKind.Orphaned });
        Assert.Contains(check.HandleProblems, p => p is { HandleId: "real", Kind: IpamHandleProblemKind.CountMismatch, Recorded: 5, Actual: 2 });
        Assert.True(fix.After.IsClean);
        Assert.Null(await bed.Store.GetAsync("/calico/ipam/v2/handle/orphan"));
        Assert.Equal(2, fix.After.HandleAddresses);
    }

    [Fact]
    public async Task Check_PendingAndDanglingAffinities_AreResolved()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/24", 28)], nodes: IpamTestBed.Nodes("host1"));
        await bed.Client.AssignIPAsync(IPAddress.Parse("10.0.0.1"), "h", "host1");
        await bed.Store.PutAsync("/calico/ipam/v2/host/host1/ipv4/block/10.0.0.128-28", """{"state":"pending","deleted":false}""");
        await bed.Store.PutAsync("/calico/ipam/v2/host/host1/ipv4/block/10.0.0.144-28", """{"state":"confirmed","deleted":false}""");

        var check = await bed.Client.CheckAsync(null);
        var fix = await bed.Client.FixAsync(null);

        Assert.Equal([IpamAffinityProblemKind.Pending, IpamAffinityProblemKind.NoBlock], check.AffinityProblems.Select(p => p.Kind));
        Assert.Equal(2, fix.Repairs.Count);
        Assert.True(fix.After.IsClean);
    }
}
