namespace Brindle.Ipam;

/// <summary>What releasing one ordinal of a block did.</summary>
internal enum BlockReleaseOutcome
{
    Released,
    NotAllocated,
    HandleMismatch,
    StaleSequence,
}
