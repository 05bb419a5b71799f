namespace Brindle.Agent.Syncer;

/// <summary>Logging event ids of the datastore syncer (range 6100-6149).</summary>
internal static class SyncerEventIds
{
    public const int Listed = 6100;
    public const int InSync = 6101;
    public const int InvalidValue = 6102;
    public const int WatchCompacted = 6103;
    public const int DatastoreFailed = 6104;
    public const int WatchEnded = 6105;
}
