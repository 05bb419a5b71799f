using System.Net;

namespace Brindle.Ipam.Tests;

public sealed class AffinityTests
{
    [Fact]
    public async Task AutoAssign_OtherHostOwnsOnlyBlock_BorrowsWithoutChangingAffinity()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/28", 28);
        await bed.AssignAsync("host1", "a");

        var borrowed = (await bed.AssignAsync("host2", "b")).Single();

        var info = await bed.Client.GetAssignmentAttributesAsync(borrowed.Address);
        Assert.Equal("host1", info!.AffinityNode);
        Assert.Equal("host2", info.Attributes[IpamClient.NodeAttribute]);
        var show = await bed.Client.ShowAsync();
        Assert.Equal(borrowed.Address, show.Borrowed.Single().Address);
        Assert.Equal(1, show.Blocks.Single().Borrowed);
        Assert.Empty((await bed.Store.ListAsync("/calico/ipam/v2/host/host2/")).Items);
        Assert.Equal([borrowed.Address], (await bed.Client.ReleaseIPsAsync([borrowed.Address])).Released);
    }

    [Fact]
    public async Task AutoAssign_StrictAffinity_RefusesToBorrowUntilTurnedOff()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/28", 28);
        await bed.AssignAsync("host1", "a");
        await bed.Client.ConfigureAsync(strictAffinity: true, maxBlocksPerHost: null);

        var error = await Assert.ThrowsAsync<IpamCapacityException>(() => bed.AssignAsync("host2", "b"));
        Assert.Contains("strict affinity", error.Message, StringComparison.Ordinal);
        Assert.Single(await bed.AssignAsync("host1", "c"));

        await bed.Client.ConfigureAsync(strictAffinity: false, maxBlocksPerHost: null);
        Assert.Single(await bed.AssignAsync("host2", "b"));
    }

    [Fact]
    public async Task AutoAssign_MaxBlocksPerHost_CapsClaimsButNotFillingExistingBlocks()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/28", 30);
        await bed.Client.ConfigureAsync(strictAffinity: true, maxBlocksPerHost: 2);
        for (var i = 0; i < 8; i++) await bed.AssignAsync("host1", $"h{i}");

        var error = await Assert.ThrowsAsync<IpamCapacityException>(() => bed.AssignAsync("host1", "h8"));
        Assert.Contains("limit 2", error.Message, StringComparison.Ordinal);
        Assert.Single(await bed.AssignAsync("host2", "other"));

        await bed.Client.ConfigureAsync(strictAffinity: null, maxBlocksPerHost: 3);
        Assert.Single(await bed.AssignAsync("host1", "h8"));
    }

    [Fact]
    public async Task AutoAssign_RequestLimitSmallerThanConfigured_Wins()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24", 30);

        await Assert.ThrowsAsync<IpamCapacityException>(() => bed.Client.AutoAssignAsync(new AutoAssignRequest("host1", "h", 5, MaxBlocksPerHost: 1)));

        Assert.Equal(0, (await bed.Client.ShowAsync()).AllocatedTotal);
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, -1)]
    public async Task Configure_InvalidCombination_IsRefusedAndNothingStored(bool strict, int maxBlocks)
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24");

        await Assert.ThrowsAsync<IpamRequestException>(() => bed.Client.ConfigureAsync(strict, maxBlocks));

        Assert.Equal(IpamConfig.Default, await bed.Client.GetConfigAsync());
    }

    [Fact]
    public async Task ReleaseEmptyAffinities_BlockInUse_KeepsItAndReleasesOnceEmpty()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24", 28);
        var ip = (await bed.AssignAsync("host1", "h")).Single();

        Assert.Empty(await bed.Client.ReleaseEmptyAffinitiesAsync("host1"));
        await bed.Client.ReleaseByHandleAsync("h");
        var released = await bed.Client.ReleaseEmptyAffinitiesAsync("host1");

        Assert.Equal([IPNetwork.Parse($"{ip.Address}/28")], released);
        Assert.Empty((await bed.Store.ListAsync("/calico/ipam/v2/")).Items);
    }

    [Fact]
    public async Task AssignIP_NewBlock_IsCreatedAffineToTheNode()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24", 28);

        var ip = await bed.Client.AssignIPAsync(IPAddress.Parse("10.0.0.37"), "h", "host1");

        Assert.Equal("10.0.0.37/28", ip.ToString());
        Assert.NotNull(await bed.Store.GetAsync("/calico/ipam/v2/host/host1/ipv4/block/10.0.0.32-28"));
    }

    [Fact]
    public async Task AssignIP_InOtherHostsBlockWithStrictAffinity_IsRefused()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24", 28);
        await bed.Client.AssignIPAsync(IPAddress.Parse("10.0.0.1"), "h", "host1");
        await bed.Client.ConfigureAsync(true, null);

        await Assert.ThrowsAsync<IpamRequestException>(() => bed.Client.AssignIPAsync(IPAddress.Parse("10.0.0.2"), "h2", "host2"));
        Assert.Null(await bed.Client.GetAssignmentAttributesAsync(IPAddress.Parse("10.0.0.2")));
    }
}
