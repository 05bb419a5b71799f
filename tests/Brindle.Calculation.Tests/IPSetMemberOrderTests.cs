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

    [Fact]
    public void Sort_orders_as_the_comparer_does()
    {
        Member.Array[0, 60].Sample(members =>
        {
            var expected = members.ToList();
            expected.Sort(IPSetMember.Order);
            var actual = members.ToArray();
            IPSetMember.Sort(actual);
            Assert.Equal(expected, actual);
        });
    }
}
