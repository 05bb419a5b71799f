using System.Net;
using CsCheck;

namespace Brindle.Dataplane.Nftables.Tests;

public sealed class NftElementsTests
{
    [Fact]
    public void Normalize_DropsContainedNetsAndDuplicates_SortsByAddress()
    {
        var nets = new[] { "10.0.1.5/32", "10.0.0.0/16", "192.168.1.0/24", "10.0.0.0/16", "192.168.1.7/32", "fd00::1/128", "fd00::/64", "9.9.9.9/32" }.Select(IPNetwork.Parse);

        var normalized = NftElements.Normalize(nets).Select(n => n.ToString());

        Assert.Equal(["9.9.9.9/32", "10.0.0.0/16", "192.168.1.0/24", "fd00::/64"], normalized);
    }

    [Fact]
    public void Normalize_AgreesWithPairwiseContainment()
    {
        var net = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[20, 32])
            .Select((a, b, c, prefix) => new IPNetwork(new IPAddress([10, (byte)a, (byte)b, (byte)c]), prefix))
            .Select(n => IPNetwork.Parse($"{Mask(n)}/{n.PrefixLength}"));
        net.List[0, 60].Sample(nets =>
        {
            var expected = nets.Distinct()
                .Where(n => !nets.Any(o => !o.Equals(n) && o.PrefixLength <= n.PrefixLength && o.Contains(n.BaseAddress)))
                .Select(n => n.ToString()).Order(StringComparer.Ordinal);
            Assert.Equal(expected, NftElements.Normalize(nets).Select(n => n.ToString()).Order(StringComparer.Ordinal));
        });
    }

    private static IPAddress Mask(IPNetwork net)
    {
        var bytes = net.BaseAddress.GetAddressBytes();
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        value &= net.PrefixLength == 0 ? 0 : uint.MaxValue << (32 - net.PrefixLength);
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }
}
