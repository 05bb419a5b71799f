using System.Net;

namespace Brindle.Calculation.Messages;

/// <summary>What an IP set holds.</summary>
public enum IPSetType
{
    /// <summary>Addresses and CIDRs (selector matches, network sets).</summary>
    Nets,

    /// <summary>Address, protocol and port triples (named ports).</summary>
    NamedPorts,
}

/// <summary>One member: a CIDR (a single address is a /32 or /128) and, for <see cref="IPSetType.NamedPorts"/>, a protocol and port.</summary>
public readonly record struct IPSetMember(IPNetwork Net, int? Protocol = null, int? Port = null)
{
    /// <summary>Parses <c>10.0.0.0/24</c> or a plain address (as a /32 or /128).</summary>
    public static IPSetMember Of(string cidrOrAddress)
    {
        if (cidrOrAddress.Contains('/')) return new(IPNetwork.Parse(cidrOrAddress));
        var address = IPAddress.Parse(cidrOrAddress);
        return new(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
    }

    public override string ToString() => Protocol is null ? Net.ToString() : $"{Net},{Protocol}:{Port}";

    /// <summary>IPv4 before IPv6, then by address, then the shorter prefix first (so a network precedes what it contains).</summary>
    public static Comparer<IPNetwork> NetworkOrder { get; } = Comparer<IPNetwork>.Create(static (a, b) =>
    {
        var c = a.BaseAddress.AddressFamily.CompareTo(b.BaseAddress.AddressFamily);
        if (c != 0) return c;
        c = a.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? IPv4Number(a.BaseAddress).CompareTo(IPv4Number(b.BaseAddress))
            : IPv6Number(a.BaseAddress).CompareTo(IPv6Number(b.BaseAddress));
        return c != 0 ? c : a.PrefixLength.CompareTo(b.PrefixLength);
    });

    /// <summary>An IPv4 address as a number (bytes in order compare as this number does).</summary>
    private static uint IPv4Number(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static UInt128 IPv6Number(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>A total order without formatting: <see cref="NetworkOrder"/>, then protocol and port.</summary>
    public static Comparer<IPSetMember> Order { get; } = Comparer<IPSetMember>.Create(static (a, b) =>
    {
        var c = NetworkOrder.Compare(a.Net, b.Net);
        if (c != 0) return c;
        c = Nullable.Compare(a.Protocol, b.Protocol);
        return c != 0 ? c : Nullable.Compare(a.Port, b.Port);
    });

    /// <summary>
    /// Sorts <paramref name="members"/> in place by <see cref="Order"/>, reading each member's address once (a sort key
    /// per member) instead of twice per comparison: the snapshot's IP sets hold every address of the cluster.
    /// </summary>
    public static void Sort(IPSetMember[] members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Length < 2) return;
        var keys = new SortKey[members.Length];
        for (var i = 0; i < members.Length; i++) keys[i] = new SortKey(members[i]);
        Array.Sort(keys, members);
    }

    /// <summary><see cref="Order"/> as a value: family, the address as a big-endian number, prefix, protocol, port.</summary>
    private readonly struct SortKey : IComparable<SortKey>
    {
        private readonly UInt128 _address;
        private readonly int _family;
        private readonly int _prefix;
        private readonly int? _protocol;
        private readonly int? _port;

        public SortKey(IPSetMember member)
        {
            var address = member.Net.BaseAddress;
            _family = (int)address.AddressFamily;
            // Both sides of a comparison have one family (compared first), so numbers of either width compare alike.
            _address = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? IPv4Number(address) : IPv6Number(address);
            _prefix = member.Net.PrefixLength;
            _protocol = member.Protocol;
            _port = member.Port;
        }

        public int CompareTo(SortKey other)
        {
            var c = _family.CompareTo(other._family);
            if (c != 0) return c;
            c = _address.CompareTo(other._address);
            if (c != 0) return c;
            c = _prefix.CompareTo(other._prefix);
            if (c != 0) return c;
            c = Nullable.Compare(_protocol, other._protocol);
            return c != 0 ? c : Nullable.Compare(_port, other._port);
        }
    }
}

/// <summary>The complete membership of an IP set (replaces any earlier content). Members of both IP versions may be mixed.</summary>
public sealed record IPSetUpdate(string Id, IPSetType Type, ValueList<IPSetMember> Members) : DataplaneMessage;

/// <summary>A change to a set sent earlier by <see cref="IPSetUpdate"/>: removals are applied before additions.</summary>
public sealed record IPSetDeltaUpdate(string Id, ValueList<IPSetMember> AddedMembers, ValueList<IPSetMember> RemovedMembers) : DataplaneMessage;

/// <summary>The set is no longer referenced by any active policy.</summary>
public sealed record IPSetRemove(string Id) : DataplaneMessage;
