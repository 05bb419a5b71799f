using System.Net;
using System.Net.Sockets;

namespace Brindle.Ipam;

/// <summary>Address arithmetic for IPv4 and IPv6 on 128-bit integers: ordinals, aligned blocks, block counts.</summary>
internal static class IPMath
{
    public static int Bits(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    public static UInt128 ToInteger(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        UInt128 value = 0;
        for (var i = 0; i < written; i++) value = (value << 8) | bytes[i];
        return value;
    }

    public static IPAddress FromInteger(UInt128 value, AddressFamily family)
    {
        var length = family == AddressFamily.InterNetwork ? 4 : 16;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }
        return new IPAddress(bytes);
    }

    /// <summary>How many addresses a prefix of <paramref name="prefixLength"/> holds (saturates at UInt128.MaxValue for ::/0).</summary>
    public static UInt128 Size(AddressFamily family, int prefixLength)
    {
        var hostBits = Bits(family) - prefixLength;
        return hostBits >= 128 ? UInt128.MaxValue : UInt128.One << hostBits;
    }

    /// <summary>The aligned block of <paramref name="blockSize"/> that holds <paramref name="address"/> (Calico's getBlockCIDRForAddress).</summary>
    public static IPNetwork BlockOf(IPAddress address, int blockSize) => new IPNetwork(Mask(address, blockSize), blockSize);

    public static IPAddress Mask(IPAddress address, int prefixLength)
    {
        var family = address.AddressFamily;
        var hostBits = Bits(family) - prefixLength;
        var value = ToInteger(address);
        if (hostBits > 0) value = hostBits >= 128 ? 0 : value & ~((UInt128.One << hostBits) - 1);
        return FromInteger(value, family);
    }

    /// <summary>Number of blocks of <paramref name="blockSize"/> in <paramref name="pool"/>.</summary>
    public static UInt128 BlockCount(IPNetwork pool, int blockSize) =>
        pool.PrefixLength > blockSize ? 0 : UInt128.One << (blockSize - pool.PrefixLength);

    /// <summary>The <paramref name="index"/>-th block of <paramref name="pool"/>.</summary>
    public static IPNetwork NthBlock(IPNetwork pool, int blockSize, UInt128 index)
    {
        var family = pool.BaseAddress.AddressFamily;
        var start = ToInteger(pool.BaseAddress) + (index << (Bits(family) - blockSize));
        return new IPNetwork(FromInteger(start, family), blockSize);
    }

    public static IPAddress AddressAt(IPNetwork block, int ordinal) =>
        FromInteger(ToInteger(block.BaseAddress) + (UInt128)ordinal, block.BaseAddress.AddressFamily);

    public static int OrdinalOf(IPNetwork block, IPAddress address) => (int)(ToInteger(address) - ToInteger(block.BaseAddress));

    /// <summary>Whether <paramref name="inner"/> lies wholly inside <paramref name="outer"/>.</summary>
    public static bool Covers(IPNetwork outer, IPNetwork inner) =>
        outer.BaseAddress.AddressFamily == inner.BaseAddress.AddressFamily && outer.PrefixLength <= inner.PrefixLength && outer.Contains(inner.BaseAddress);

    /// <summary>A stable 64-bit hash of a host name (FNV-1a): the same in every process, unlike string.GetHashCode.</summary>
    public static ulong HostSeed(string host)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(host))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
