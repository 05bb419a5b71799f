namespace Brindle.Datastore.Sqlite;

/// <summary>Tuning of the embedded store. The defaults suit one machine with a handful of processes.</summary>
public sealed record SqliteKeyValueStoreOptions
{
    /// <summary>How long a writer waits for another process's write lock before failing (SQLite busy timeout).</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Watchers re-check the change log at least this often when file-change notifications are unavailable.</summary>
    public TimeSpan WatchPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// With file-change notifications (inotify on the database's directory: any process's write wakes watchers at
    /// once), watchers still re-check this often as a safety net; long, so that an idle watcher costs nothing.
    /// </summary>
    public TimeSpan NotifiedWatchPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The change log keeps at least this many of the newest events; older revisions are compacted away.</summary>
    public int MaxLogEvents { get; init; } = 100_000;

    /// <summary>Wall clock for lease expiry (shared by every process through the file: Unix milliseconds).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
