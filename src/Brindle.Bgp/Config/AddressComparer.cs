using System.Net;

namespace Brindle.Bgp.Config;

/// <summary>Orders addresses numerically (IPv4 before IPv6), so rendering is deterministic and mesh direction is well defined.</summary>
public sealed class AddressComparer : IComparer<IPAddress?>
{
    public static AddressComparer Instance { get; } = new();

    public int Compare(IPAddress? x, IPAddress? y)
    {
        if (x is null || y is null) return (x is null).CompareTo(y is null) * -1;
        var a = x.GetAddressBytes();
        var b = y.GetAddressBytes();
        if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
        return a.AsSpan().SequenceCompareTo(b);
    }
}
