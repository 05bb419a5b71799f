using System.Net;

namespace Brindle.Ipam.Reports;

/// <summary>A block affinity that needs attention; <see cref="Allocated"/> is how many addresses the block holds.</summary>
public sealed record IpamAffinityProblem(string Node, IPNetwork Block, int Allocated, IpamAffinityProblemKind Kind);

public enum IpamAffinityProblemKind
{
    /// <summary>The affinity names a node that no longer exists.</summary>
    NodeMissing,

    /// <summary>An affinity record whose block does not exist (or is affine to another node).</summary>
    NoBlock,

    /// <summary>The block says it is affine to the node but there is no affinity record.</summary>
    NoRecord,

    /// <summary>A pending affinity left behind by an interrupted claim.</summary>
    Pending,
}
