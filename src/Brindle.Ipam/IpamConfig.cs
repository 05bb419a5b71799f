namespace Brindle.Ipam;

/// <summary>Cluster-wide IPAM settings (Calico's IPAMConfig). Stored at <c>/calico/ipam/v2/config</c>; defaults when absent.</summary>
/// <param name="StrictAffinity">No borrowing from other hosts' blocks.</param>
/// <param name="AutoAllocateBlocks">Hosts may claim new blocks.</param>
/// <param name="MaxBlocksPerHost">Cap on the blocks a host may be affine to; 0 means <see cref="DefaultMaxBlocksPerHost"/>.</param>
public sealed record IpamConfig(bool StrictAffinity = false, bool AutoAllocateBlocks = true, int MaxBlocksPerHost = 0)
{
    /// <summary>Calico's safeguard against runaway block allocation when no limit is configured.</summary>
    public const int DefaultMaxBlocksPerHost = 20;

    public static IpamConfig Default { get; } = new();

    public int EffectiveMaxBlocksPerHost => MaxBlocksPerHost > 0 ? MaxBlocksPerHost : DefaultMaxBlocksPerHost;

    /// <summary>Calico's rules: a positive per-host limit needs strict affinity; non-strict without auto allocation is refused.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxBlocksPerHost < 0) errors.Add($"maxBlocksPerHost {MaxBlocksPerHost} must not be negative.");
        if (MaxBlocksPerHost > 0 && !StrictAffinity) errors.Add("maxBlocksPerHost > 0 requires strictAffinity=true.");
        if (!StrictAffinity && !AutoAllocateBlocks) errors.Add("strictAffinity=false requires autoAllocateBlocks=true.");
        return errors;
    }
}
