using System.Net;

namespace Brindle.Ipam;

/// <summary>What IPAM knows about one allocated address (<c>ipam show --ip</c>).</summary>
/// <param name="AffinityNode">The node the address's block is affine to, or null; differs from the "node" attribute when borrowed.</param>
public sealed record IpamAllocation(
    IPAddress Address,
    IPNetwork Block,
    string? HandleId,
    IReadOnlyDictionary<string, string> Attributes,
    ulong SequenceNumber,
    string? AffinityNode);
