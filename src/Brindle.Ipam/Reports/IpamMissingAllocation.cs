using System.Net;

namespace Brindle.Ipam.Reports;

/// <summary>An address a known endpoint uses that IPAM has not allocated.</summary>
public sealed record IpamMissingAllocation(IPAddress Address, string Owner);
