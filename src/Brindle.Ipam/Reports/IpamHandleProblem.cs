using System.Net;

namespace Brindle.Ipam.Reports;

/// <summary>A handle record that disagrees with the blocks: <see cref="Recorded"/> addresses in <see cref="Block"/> according to
/// the handle, <see cref="Actual"/> according to the block.</summary>
public sealed record IpamHandleProblem(string HandleId, IPNetwork Block, int Recorded, int Actual, IpamHandleProblemKind Kind);

public enum IpamHandleProblemKind
{
    /// <summary>The handle names addresses in a block that holds none for it.</summary>
    Orphaned,

    /// <summary>The counts differ.</summary>
    CountMismatch,

    /// <summary>The block holds addresses for a handle that has no record.</summary>
    MissingRecord,
}
