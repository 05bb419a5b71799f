using System.Net;

namespace Brindle.Ipam;

/// <summary>Outcome of a release: what was freed, what was not allocated (not an error), and what was skipped because its
/// sequence number showed it had been re-allocated to someone else since.</summary>
public sealed record IpamReleaseResult(IReadOnlyList<IPAddress> Released, IReadOnlyList<IPAddress> NotAllocated, IReadOnlyList<IPAddress> StaleSequence);
