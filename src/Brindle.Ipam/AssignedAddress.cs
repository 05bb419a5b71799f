using System.Net;

namespace Brindle.Ipam;

/// <summary>One allocated address with its block's prefix length (Calico returns e.g. <c>10.0.0.5/26</c>) and the block
/// sequence number at allocation time; passing that number back on release guarantees only this allocation is freed.</summary>
public sealed record AssignedAddress(IPAddress Address, int PrefixLength, ulong SequenceNumber)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}
