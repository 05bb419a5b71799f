namespace Brindle.Datastore.Sqlite;

/// <summary>Tuning of the embedded store. The defaults suit one machine with a handful of processes.</summary>
public sealed record SqliteKeyValueStoreOptions
{
    /// <summary>How long a writer waits for another process's write lock before failing (SQLite busy timeout).</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Watchers re-check the change log at least this often, even without a file-change notification.</summary>
    public TimeSpan WatchPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The change log keeps at least this many of the newest events; older revisions are compacted away.</summary>
    public int MaxLogEvents { get; init; } = 100_000;

    /// <summary>Wall clock for lease expiry (shared by every process through the file: Unix milliseconds).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
