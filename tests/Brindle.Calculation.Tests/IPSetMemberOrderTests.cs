using System.Net;
using Brindle.Calculation.Messages;
using CsCheck;

namespace Brindle.Calculation.Tests;

public sealed class IPSetMemberOrderTests
{
    private static readonly Gen<IPSetMember> Member =
        Gen.Select(Gen.Bool, Gen.Byte.Array[16], Gen.Int[0, 128], Gen.Int[0, 3], Gen.Int[0, 3])
            .Select((v4, bytes, prefix, protocol, port) =>
            {
                // Few distinct values per field, so ties on the leading fields are common.
                bytes[0] = (byte)(bytes[0] % 3);
                var raw = v4 ? bytes[..4] : bytes;
                var length = Math.Min(prefix, raw.Length * 8);
                for (var bit = length; bit < raw.Length * 8; bit++) raw[bit / 8] &= (byte)~(0x80 >> (bit % 8));   // no host bits
                return new IPSetMember(new IPNetwork(new IPAddress(raw), length), protocol == 0 ? null : protocol, port == 0 ? null : port * 1000);
            });

    /// <summary>The documented order, independently: IPv4 first, address bytes in order, shorter prefix, protocol, port (null first).</summary>
    private static string Oracle(IPSetMember m) =>
        $"{(int)m.Net.BaseAddress.AddressFamily:D2}|{Convert.ToHexString(m.Net.BaseAddress.GetAddressBytes())}|{m.Net.PrefixLength:D3}|{m.Protocol ?? -1:D3}|{m.Port ?? -1:D5}";

    [Fact]
    public void Order_and_Sort_follow_the_documented_order()
    {
        Member.Array[0, 60].Sample(members =>
        {
            var expected = members.OrderBy(Oracle, StringComparer.Ordinal).Select(Oracle).ToList();
            var compared = members.ToList();
            compared.Sort(IPSetMember.Order);
            var sorted = members.ToArray();
            IPSetMember.Sort(sorted);
            Assert.Equal(expected, compared.Select(Oracle));
            Assert.Equal(expected, sorted.Select(Oracle));
        });
    }
}
