using System.Net;
using Brindle.Ipam.Records;

namespace Brindle.Ipam.Tests;

public sealed class ReleaseTests
{
    [Fact]
    public async Task Release_ThenAllocate_ReusesTheFirstFreedAddressLast()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24", 30);
        var seen = new List<IPAddress>();
        for (var i = 0; i < 4; i++)
        {
            var ip = (await bed.AssignAsync("host1", $"h{i}")).Single().Address;
            seen.Add(ip);
            await bed.Client.ReleaseIPsAsync([ip]);
        }

        var fifth = (await bed.AssignAsync("host1", "h4")).Single().Address;

        Assert.Equal(4, seen.Distinct().Count());
        Assert.Equal(seen[0], fifth);
    }

    [Fact]
    public async Task Release_AddressNotAllocatedOrOutsideEveryBlock_IsReportedNotAnError()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24");
        var ip = (await bed.AssignAsync("host1", "h")).Single().Address;

        var result = await bed.Client.ReleaseIPsAsync([ip, ip, IPAddress.Parse("10.0.0.200"), IPAddress.Parse("192.0.2.1")]);

        Assert.Equal([ip], result.Released);
        Assert.Equal([IPAddress.Parse("10.0.0.200"), IPAddress.Parse("192.0.2.1")], result.NotAllocated.OrderBy(a => a.ToString()));
        Assert.Null(await bed.Store.GetAsync("/calico/ipam/v2/handle/h"));
    }

    [Fact]
    public async Task Release_LastAddressOfAffineBlock_KeepsBlockAndAffinity()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");
        var ip = (await bed.AssignAsync("host1", "h")).Single().Address;

        await bed.Client.ReleaseIPsAsync([ip]);

        Assert.NotNull(await bed.Store.GetAsync("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26"));
        Assert.NotNull(await bed.Store.GetAsync("/calico/ipam/v2/host/host1/ipv4/block/10.0.0.0-26"));
    }

    [Fact]
    public async Task Release_LastAddressOfBlockWithoutAffinity_DeletesTheBlock()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");
        var cidr = IPNetwork.Parse("10.0.0.0/26");
        await bed.Store.CreateAsync("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26", AllocationBlock.New(cidr, null).Encode());
        var ip = await bed.Client.AssignIPAsync(IPAddress.Parse("10.0.0.9"), "h", "host1");

        await bed.Client.ReleaseIPsAsync([ip.Address]);

        Assert.Null(await bed.Store.GetAsync("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26"));
    }

    [Fact]
    public async Task Release_StaleSequenceNumber_LeavesTheNewOwnersAddressAlone()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");
        var old = (await bed.AssignAsync("host1", "first")).Single();
        await bed.Client.ReleaseIPsAsync([old.Address]);
        var reassigned = await bed.Client.AssignIPAsync(old.Address, "second", "host1");

        var result = await bed.Client.ReleaseAsync([new IpamReleaseRequest(old.Address, SequenceNumber: old.SequenceNumber)]);

        Assert.NotEqual(old.SequenceNumber, reassigned.SequenceNumber);
        Assert.Equal([old.Address], result.StaleSequence);
        Assert.Equal("second", (await bed.Client.GetAssignmentAttributesAsync(old.Address))!.HandleId);
    }

    [Fact]
    public async Task Release_WrongHandle_IsRefused()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");
        var ip = (await bed.AssignAsync("host1", "owner")).Single().Address;

        await Assert.ThrowsAsync<IpamRequestException>(() => bed.Client.ReleaseAsync([new IpamReleaseRequest(ip, "intruder")]));

        Assert.NotNull(await bed.Client.GetAssignmentAttributesAsync(ip));
    }

    [Fact]
    public async Task AssignIP_AddressAlreadyAllocated_IsRefused()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");
        var ip = (await bed.AssignAsync("host1", "a")).Single().Address;

        await Assert.ThrowsAsync<IpamAddressInUseException>(() => bed.Client.AssignIPAsync(ip, "b", "host1"));
        await bed.Client.AssignIPAsync(IPAddress.Parse("10.0.0.40"), "b", "host1");
        await Assert.ThrowsAsync<IpamAddressInUseException>(() => bed.Client.AssignIPAsync(IPAddress.Parse("10.0.0.40"), "b", "host1"));

        Assert.Equal("a", (await bed.Client.GetAssignmentAttributesAsync(ip))!.HandleId);
        Assert.DoesNotContain(IPAddress.Parse("10.0.0.40"), (await bed.AssignAsync("host1", "c", num4: 62)).Select(i => i.Address));
    }

    [Fact]
    public async Task AssignIP_OutsideEveryPool_IsRefused()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");

        var error = await Assert.ThrowsAsync<IpamRequestException>(() => bed.Client.AssignIPAsync(IPAddress.Parse("192.0.2.1"), "h", "host1"));

        Assert.Contains("not in any configured IP pool", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_Attributes_AreCompactedWhenNoLongerUsed()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");
        var a = (await bed.AssignAsync("host1", "a")).Single().Address;
        await bed.AssignAsync("host1", "b");

        await bed.Client.ReleaseIPsAsync([a]);

        var json = (await bed.Store.GetAsync("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26"))!.Value;
        var block = System.Text.Json.JsonSerializer.Deserialize(json, IpamJsonContext.Default.BlockRecord)!;
        Assert.Equal("b", block.Attributes.Single().HandleId);
        Assert.Equal(0, block.Allocations[1]);
    }
}
