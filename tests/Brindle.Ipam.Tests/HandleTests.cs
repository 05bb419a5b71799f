using System.Net;

namespace Brindle.Ipam.Tests;

public sealed class HandleTests
{
    [Fact]
    public async Task Handle_AcrossBlocksAndFamilies_ListsAndReleasesEverything()
    {
        var bed = new IpamTestBed([IpamTestBed.Pool("10.0.0.0/24", 31), IpamTestBed.Pool("fd00::/120", 127)]);
        await bed.AssignAsync("host1", "keep");

        var ips = await bed.AssignAsync("host1", "pod", num4: 3, num6: 1);
        var listed = await bed.Client.GetIPsByHandleAsync("pod");
        var released = await bed.Client.ReleaseByHandleAsync("pod");

        Assert.Equal(ips.Select(i => i.Address).Order(new AddressComparer()), listed.Select(i => i.Address).Order(new AddressComparer()));
        Assert.Equal(4, released.Count);
        Assert.Null(await bed.Store.GetAsync("/calico/ipam/v2/handle/pod"));
        Assert.Empty(await bed.Client.GetIPsByHandleAsync("pod"));
        Assert.Single(await bed.Client.GetIPsByHandleAsync("keep"));
        await Assert.ThrowsAsync<IpamHandleNotFoundException>(() => bed.Client.ReleaseByHandleAsync("pod"));
    }

    [Fact]
    public async Task Handle_SeveralRequests_Accumulate()
    {
        var bed = IpamTestBed.WithPool("10.0.0.0/24");

        await bed.AssignAsync("host1", "vm", num4: 2);
        await bed.Client.AssignIPAsync(IPAddress.Parse("10.0.0.250"), "vm", "host1");

        Assert.Equal(3, (await bed.Client.GetIPsByHandleAsync("vm")).Count);
    }

    private sealed class AddressComparer : IComparer<IPAddress>
    {
        public int Compare(IPAddress? x, IPAddress? y) => string.CompareOrdinal(x?.ToString(), y?.ToString());
    }
}
