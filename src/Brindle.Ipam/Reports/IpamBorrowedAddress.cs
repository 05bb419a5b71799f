using System.Net;

namespace Brindle.Ipam.Reports;

/// <summary>An address allocated for <see cref="AllocatedTo"/> inside a block affine to another node.</summary>
public sealed record IpamBorrowedAddress(IPAddress Address, IPNetwork Block, string BlockNode, string? AllocatedTo, string? HandleId);
