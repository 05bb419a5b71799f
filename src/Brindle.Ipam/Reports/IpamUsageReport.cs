namespace Brindle.Ipam.Reports;

/// <summary>What <c>ipam show</c> prints: usage per pool and per block (with affinity), and borrowed addresses.
/// Built from one consistent read of every IPAM record.</summary>
public sealed record IpamUsageReport(IReadOnlyList<IpamPoolUsage> Pools, IReadOnlyList<IpamBlockUsage> Blocks, IReadOnlyList<IpamBorrowedAddress> Borrowed)
{
    public int AllocatedTotal => Blocks.Sum(b => b.Allocated);
}
