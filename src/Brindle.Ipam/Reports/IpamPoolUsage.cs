using System.Net;

namespace Brindle.Ipam.Reports;

/// <summary>One pool: its size, how many addresses are allocated in it and how many blocks exist in it.</summary>
public sealed record IpamPoolUsage(IPNetwork Cidr, UInt128 Size, int Allocated, int BlockCount, bool Disabled);
