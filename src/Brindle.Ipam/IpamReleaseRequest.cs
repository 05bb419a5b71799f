using System.Net;

namespace Brindle.Ipam;

/// <summary>Release one address. If <paramref name="HandleId"/> is set the address must belong to it (else a conflict);
/// if <paramref name="SequenceNumber"/> is set and the address was re-allocated since, it is left alone.</summary>
public sealed record IpamReleaseRequest(IPAddress Address, string? HandleId = null, ulong? SequenceNumber = null);
