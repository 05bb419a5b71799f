namespace Brindle.Ipam;

/// <summary>Logging event ids of the IPAM subsystem (range 4000-4099).</summary>
internal static class IpamEventIds
{
    public const int BlockClaimed = 4000;
    public const int Borrowed = 4001;
    public const int ConflictRetry = 4002;
    public const int RolledBack = 4003;
    public const int AffinityReleased = 4004;
    public const int Repaired = 4005;
}
