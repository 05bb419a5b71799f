using System.Net;

namespace Brindle.Ipam.Reports;

/// <summary>An allocated address no known endpoint uses.</summary>
public sealed record IpamLeak(IPAddress Address, string? HandleId, string? Node);
