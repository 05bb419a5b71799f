namespace Brindle.Ipam.Reports;

/// <summary>What <c>ipam check --fix</c> repaired, and the check after the repairs.</summary>
public sealed record IpamFixResult(IReadOnlyList<string> Repairs, IpamCheckReport After);
