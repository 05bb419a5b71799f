using System.Net;

namespace Brindle.Ipam.Reports;

/// <summary>One block: its pool (null if no pool contains it any more), affinity, size, allocations and how many of those
/// were borrowed by other nodes.</summary>
public sealed record IpamBlockUsage(IPNetwork Cidr, IPNetwork? Pool, string? AffinityNode, int Size, int Allocated, int Borrowed);
