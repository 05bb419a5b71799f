using System.Net;
using System.Text.Json;

namespace Brindle.Ipam.Tests;

public sealed class AutoAssignTests
{
    [Fact]
    public async Task AutoAssign_PoolWithoutBlockSize_UsesSlash26ForIPv4AndSlash122ForIPv6()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/24"), IpamTestBed.Pool("fd00::/116")]);

        var ips = await bed.AssignAsync("node1", "h1", num4: 1, num6: 1);

        Assert.Equal([26, 122], ips.Select(i => i.PrefixLength));
        var v4Block = IPNetwork.Parse($"{ips[0].Address}/26");
        Assert.NotNull(await bed.Store.GetAsync($"/calico/ipam/v2/assignment/ipv4/block/{v4Block.BaseAddress}-26"));
        var v6Block = (await bed.Store.ListAsync("/calico/ipam/v2/assignment/ipv6/block/")).Items.Single();
        Assert.EndsWith("-122", v6Block.Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutoAssign_WholeSlash26_Gives64AddressesIncludingFirstAndLast()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");

        var ips = await bed.AssignAsync("node1", "h1", num4: 64);

        Assert.Equal(64, ips.Select(i => i.Address).Distinct().Count());
        Assert.Contains(IPAddress.Parse("10.0.0.0"), ips.Select(i => i.Address));
        Assert.Contains(IPAddress.Parse("10.0.0.63"), ips.Select(i => i.Address));
        await Assert.ThrowsAsync<IpamCapacityException>(() => bed.AssignAsync("node1", "h2"));
    }

    [Fact]
    public async Task AutoAssign_FreshBlock_HandsOutOrdinalsInAscendingOrderFromZero()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");

        var first = await bed.AssignAsync("node1", "a");
        var second = await bed.AssignAsync("node1", "b");

        Assert.Equal("10.0.0.0/26", first.Single().ToString());
        Assert.Equal("10.0.0.1/26", second.Single().ToString());
    }

    [Fact]
    public async Task AutoAssign_WithReservations_SkipsReservedAddresses()
    {
        IPNetwork[] reserved = [IPNetwork.Parse("10.0.0.1/32"), IPNetwork.Parse("10.0.0.32/30"), IPNetwork.Parse("10.0.0.17/32"), IPNetwork.Parse("11.0.0.0/30")];
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/26")], reserved);

        var ips = await bed.AssignAsync("node1", "h1", num4: 58);

        Assert.Equal(58, ips.Count);
        Assert.DoesNotContain(ips, ip => reserved.Any(r => r.Contains(ip.Address)));
    }

    [Fact]
    public async Task AutoAssign_MoreThanUnreservedAvailable_FailsAndLeavesNothingAllocated()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/26")], [IPNetwork.Parse("10.0.0.32/30")]);

        var error = await Assert.ThrowsAsync<IpamCapacityException>(() => bed.AssignAsync("node1", "h1", num4: 64));

        Assert.Contains("Assigned 60 of 64", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await bed.Client.ShowAsync()).AllocatedTotal);
        Assert.Null(await bed.Store.GetAsync("/calico/ipam/v2/handle/h1"));
    }

    [Fact]
    public async Task AutoAssign_BlockWhollyReserved_IsNeverClaimed()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/27", 28)], [IPNetwork.Parse("10.0.0.0/28")]);

        var ips = await bed.AssignAsync("node1", "h1", num4: 16);

        Assert.All(ips, ip => Assert.Equal(IPNetwork.Parse("10.0.0.16/28"), IPNetwork.Parse($"{ip.Address}/28")));
    }

    [Fact]
    public async Task AutoAssign_SecondAddress_ComesFromTheSameBlock()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/16");

        var first = (await bed.AssignAsync("node1", "a")).Single();
        var second = (await bed.AssignAsync("node1", "b")).Single();

        Assert.Equal(IPNetwork.Parse($"{first.Address}/26"), IPNetwork.Parse($"{second.Address}/26"));
    }

    [Fact]
    public async Task AutoAssign_FirstBlock_IsAlignedHostSeededAndStable()
    {
        var pool = IPNetwork.Parse("10.0.0.0/16");
        var blocks = new HashSet<IPNetwork>();
        foreach (var node in new[] { "node-a", "node-b", "node-c", "node-d" })
        {
            var bed = IpamTestBed.WithPool("10.0.0.0/16");
            var ip = (await bed.AssignAsync(node, "h")).Single();
            var again = (await IpamTestBed.WithPool("10.0.0.0/16").AssignAsync(node, "h")).Single();
            var block = IPNetwork.Parse($"{ip.Address}/26");
            Assert.True(pool.Contains(ip.Address));
            Assert.Equal(block.BaseAddress, ip.Address);   // fresh block: ordinal 0, so the address is the aligned block base
            Assert.Equal(ip.Address, again.Address);       // same host, same starting block, in a fresh store
            blocks.Add(block);
        }
        Assert.True(blocks.Count > 1, "different hosts should start at different blocks");
    }

    [Fact]
    public async Task AutoAssign_FullBlock_ClaimsAnotherAffineBlock()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24", 30);

        var ips = await bed.AssignAsync("node1", "h", num4: 6);

        var blocks = ips.Select(i => IPNetwork.Parse($"{i.Address}/30")).Distinct().ToList();
        Assert.Equal(2, blocks.Count);
        var affinities = await bed.Store.ListAsync("/calico/ipam/v2/host/node1/ipv4/block/");
        Assert.Equal(2, affinities.Items.Count);
        Assert.All(affinities.Items, a => Assert.Equal("confirmed", JsonDocument.Parse(a.Value).RootElement.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task AutoAssign_DisabledSelectorMismatchAndWrongUsePools_AreNotUsed()
    {
        var nodes = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["node1"] = new Dictionary<string, string> { ["zone"] = "a" } };
        var bed = new IpamTestBed(
            [
                IpamTestBed.Pool("10.1.0.0/24", disabled: true),
                IpamTestBed.Pool("10.2.0.0/24", selector: "zone == 'b'"),
                IpamTestBed.Pool("10.3.0.0/24", uses: [IpamUses.Tunnel]),
                IpamTestBed.Pool("10.4.0.0/24", selector: "zone == 'a'", uses: [IpamUses.Workload]),
            ],
            nodes: nodes);

        var ips = await bed.AssignAsync("node1", "h", num4: 3);

        Assert.All(ips, ip => Assert.True(IPNetwork.Parse("10.4.0.0/24").Contains(ip.Address)));
        var tunnel = await bed.Client.AutoAssignAsync(new AutoAssignRequest("node1", "t", Use: IpamUses.Tunnel));
        Assert.True(IPNetwork.Parse("10.3.0.0/24").Contains(tunnel.Single().Address));
    }

    [Fact]
    public async Task AutoAssign_NoUsablePool_FailsClearly()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.1.0.0/24", disabled: true)]);

        var error = await Assert.ThrowsAsync<IpamCapacityException>(() => bed.AssignAsync("node1", "h"));

        Assert.Contains("No IPv4 pool is usable for node 'node1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutoAssign_RequestedPool_IsTheOnlyOneUsedAndMustExist()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.1.0.0/24"), IpamTestBed.Pool("10.2.0.0/24")]);

        var ips = await bed.Client.AutoAssignAsync(new AutoAssignRequest("node1", "h", 2, Pools: [IPNetwork.Parse("10.2.0.0/24")]));

        Assert.All(ips, ip => Assert.True(IPNetwork.Parse("10.2.0.0/24").Contains(ip.Address)));
        await Assert.ThrowsAsync<IpamRequestException>(() => bed.Client.AutoAssignAsync(new AutoAssignRequest("node1", "h", 1, Pools: [IPNetwork.Parse("10.9.0.0/24")])));
    }

    [Fact]
    public async Task AutoAssign_DualStackWithoutIPv6Pool_FailsAndReleasesTheIPv4Addresses()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24");
        await bed.AssignAsync("node1", "other");

        await Assert.ThrowsAsync<IpamCapacityException>(() => bed.AssignAsync("node1", "h", num4: 2, num6: 1));

        Assert.Empty(await bed.Client.GetIPsByHandleAsync("h"));
        Assert.Equal(1, (await bed.Client.ShowAsync()).AllocatedTotal);
    }

    [Theory]
    [InlineData("", "h")]
    [InlineData("node1", "")]
    [InlineData("no/de", "h")]
    public async Task AutoAssign_BadNodeOrHandle_IsRefused(string node, string handle)
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24");

        await Assert.ThrowsAsync<IpamRequestException>(() => bed.AssignAsync(node, handle));
    }

    [Fact]
    public async Task AutoAssign_Records_UseCalicoKeysAndJsonShape()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/26");

        await bed.AssignAsync("node1", "h1", num4: 2);

        var block = JsonDocument.Parse((await bed.Store.GetAsync("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26"))!.Value).RootElement;
        Assert.Equal("10.0.0.0/26", block.GetProperty("cidr").GetString());
        Assert.Equal("host:node1", block.GetProperty("affinity").GetString());
        Assert.Equal(64, block.GetProperty("allocations").GetArrayLength());
        Assert.Equal(0, block.GetProperty("allocations")[0].GetInt32());
        Assert.Equal(JsonValueKind.Null, block.GetProperty("allocations")[2].ValueKind);
        Assert.Equal(62, block.GetProperty("unallocated").GetArrayLength());
        Assert.Equal("h1", block.GetProperty("attributes")[0].GetProperty("handle_id").GetString());
        Assert.Equal("node1", block.GetProperty("attributes")[0].GetProperty("secondary").GetProperty("node").GetString());
        Assert.Equal(1UL, block.GetProperty("sequenceNumberForAllocation").GetProperty("1").GetUInt64());
        var handle = JsonDocument.Parse((await bed.Store.GetAsync("/calico/ipam/v2/handle/h1"))!.Value).RootElement;
        Assert.Equal(2, handle.GetProperty("block").GetProperty("10.0.0.0/26").GetInt32());
        var affinity = JsonDocument.Parse((await bed.Store.GetAsync("/calico/ipam/v2/host/node1/ipv4/block/10.0.0.0-26"))!.Value).RootElement;
        Assert.Equal("confirmed", affinity.GetProperty("state").GetString());
    }
}
