using Brindle.Ipam.Reports;

namespace Brindle.Cli.Commands;

/// <summary>Plain-text tables for <c>ipam show</c> and <c>ipam check</c> (calicoctl's columns).</summary>
internal static class IpamTables
{
    public static void WriteUsage(TextWriter output, IpamUsageReport report, bool showBlocks, bool showBorrowed)
    {
        output.WriteLine($"{"GROUPING",-9} {"CIDR",-28} {"AFFINITY",-20} {"IPS TOTAL",12} {"IPS IN USE",11} {"IPS FREE",12}");
        foreach (var pool in report.Pools)
        {
            output.WriteLine($"{"IP Pool",-9} {pool.Cidr,-28} {"",-20} {pool.Size,12} {pool.Allocated,11} {pool.Size - (UInt128)pool.Allocated,12}");
            if (!showBlocks) continue;
            foreach (var block in report.Blocks.Where(b => b.Pool is { } p && p.Equals(pool.Cidr)))
            {
                output.WriteLine($"{"Block",-9} {block.Cidr,-28} {block.AffinityNode ?? "(none)",-20} {block.Size,12} {block.Allocated,11} {block.Size - block.Allocated,12}");
            }
        }
        if (showBlocks)
        {
            foreach (var block in report.Blocks.Where(b => b.Pool is null))
            {
                output.WriteLine($"{"Block",-9} {block.Cidr,-28} {block.AffinityNode ?? "(none)",-20} {block.Size,12} {block.Allocated,11} {block.Size - block.Allocated,12}  (in no pool)");
            }
        }
        if (!showBorrowed) return;
        output.WriteLine();
        output.WriteLine($"{"IP",-40} {"BORROWING-NODE",-20} {"BLOCK",-28} {"BLOCK OWNER",-20} {"HANDLE"}");
        foreach (var b in report.Borrowed)
        {
            output.WriteLine($"{b.Address,-40} {b.AllocatedTo ?? "",-20} {b.Block,-28} {b.BlockNode,-20} {b.HandleId}");
        }
    }

    public static void WriteCheck(TextWriter output, IpamCheckReport report, IReadOnlyList<string> repairs)
    {
        foreach (var repair in repairs) output.WriteLine($"Repaired: {repair}");
        output.WriteLine($"Found {report.BlockCount} IPAM blocks holding {report.AllocatedAddresses} addresses; {report.HandleCount} handles naming {report.HandleAddresses} addresses.");
        if (!report.EndpointsChecked) output.WriteLine("No endpoint inventory: leaked addresses not judged.");
        foreach (var l in report.LeakedAddresses) output.WriteLine($"Leaked: {l.Address} (handle {l.HandleId}, node {l.Node}) is allocated but used by no endpoint");
        foreach (var m in report.MissingAllocations) output.WriteLine($"Missing: {m.Address} is used by {m.Owner} but not allocated in IPAM");
        foreach (var h in report.HandleProblems) output.WriteLine($"Handle {h.HandleId}: {h.Kind} in block {h.Block} (handle says {h.Recorded}, block holds {h.Actual})");
        foreach (var a in report.AffinityProblems) output.WriteLine($"Affinity of node {a.Node} to block {a.Block}: {a.Kind} ({a.Allocated} addresses in use)");
        foreach (var b in report.BlockProblems) output.WriteLine($"Block {b.Block}: {b.Problem}");
        output.WriteLine(report.IsClean ? "IPAM is consistent." : "Problems found; `brindle ipam check --fix` repairs what is safe to repair.");
    }
}
