namespace Brindle.Ipam.Reports;

/// <summary>What <c>ipam check</c> found, from one consistent read of every IPAM record.</summary>
/// <param name="EndpointsChecked">Whether an endpoint inventory was given; without one, leaks and missing allocations are not judged.</param>
/// <param name="LeakedAddresses">Allocated in IPAM but used by no known endpoint (reported, never released automatically).</param>
/// <param name="MissingAllocations">Used by a known endpoint but not allocated in IPAM.</param>
public sealed record IpamCheckReport(
    int BlockCount,
    int AllocatedAddresses,
    int HandleCount,
    int HandleAddresses,
    bool EndpointsChecked,
    IReadOnlyList<IpamLeak> LeakedAddresses,
    IReadOnlyList<IpamMissingAllocation> MissingAllocations,
    IReadOnlyList<IpamHandleProblem> HandleProblems,
    IReadOnlyList<IpamAffinityProblem> AffinityProblems,
    IReadOnlyList<IpamBlockProblem> BlockProblems)
{
    public bool IsClean =>
        LeakedAddresses.Count == 0 && MissingAllocations.Count == 0 && HandleProblems.Count == 0 && AffinityProblems.Count == 0 && BlockProblems.Count == 0;
}
