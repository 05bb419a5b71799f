using System.Net;

namespace Brindle.Ipam.Reports;

/// <summary>A block record whose internal invariants are broken (never repaired automatically).</summary>
public sealed record IpamBlockProblem(IPNetwork Block, string Problem);
