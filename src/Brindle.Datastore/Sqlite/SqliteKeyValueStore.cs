using System.Runtime.CompilerServices;
using Brindle.Datastore.Kv;
using Microsoft.Data.Sqlite;

namespace Brindle.Datastore.Sqlite;

/// <summary>
/// The embedded datastore: one SQLite file (WAL mode) shared safely by every process on the machine.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Every write runs in <c>BEGIN IMMEDIATE</c> (the file's single write lock, waited for up to the busy timeout), so
/// a compare-and-swap reads and writes under one lock across processes; readers never block (WAL snapshots).</item>
/// <item>One revision counter (<c>meta.revision</c>, 1 when empty); each write that changes something takes the next
/// revision for all its keys and appends its events to the <c>events</c> log in operation order.</item>
/// <item>Watchers read the log after a cursor (revision, seq); they are woken by a file-system notification on the
/// <c>-wal</c> file (any process's commit), by this process's own writes, and at the latest after the poll interval (2 s with notifications, 250 ms without).</item>
/// <item>The log keeps at least <see cref="SqliteKeyValueStoreOptions.MaxLogEvents"/> events; older revisions are dropped
/// and recorded in <c>meta.compacted</c>; a watcher behind that gets <see cref="WatchCompactedException"/>.</item>
/// <item>No daemon: expired leases are removed (with Delete events, in their own revision) by whichever process next
/// reads, writes or polls a watch.</item>
/// </list>
/// </remarks>
public sealed class SqliteKeyValueStore : IKeyValueStore
{
    private const int TrimEveryRevisions = 64;
    private const int WatchBatchSize = 1000;
    // After a notification that found nothing: re-read after these pauses (5 ms doubling to 160 ms, ~0.3 s in all).
    // Three 5 ms re-reads were not enough on a loaded machine: the commit became visible later and the change waited
    // for the 2 s safety poll (seen once in 100 samples of the node-scale agent path at load ~8).
    private static readonly TimeSpan[] NotifiedRecheckDelays = [.. new[] { 5, 10, 20, 40, 80, 160 }.Select(ms => TimeSpan.FromMilliseconds(ms))];
    private const int SchemaVersion = 1;

    private readonly string _path;
    private readonly SqliteKeyValueStoreOptions _options;
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ChangeSignal _signal = new();
    private readonly FileSystemWatcher? _fileWatcher;
    private readonly CancellationTokenSource _disposed = new();

    private SqliteKeyValueStore(string path, SqliteKeyValueStoreOptions options, SqliteConnection db)
    {
        _path = path;
        _options = options;
        _db = db;
        _fileWatcher = WatchFile(path, _signal);
    }

    public string Description => $"embedded ({_path})";

    /// <summary>Opens (creating if needed, with its directory) the store at <paramref name="path"/>.</summary>
    /// <exception cref="DatastoreException">The file cannot be opened or is not a Brindle store.</exception>
    public static SqliteKeyValueStore Open(string path, SqliteKeyValueStoreOptions? options = null)
    {
        options ??= new SqliteKeyValueStoreOptions();
        var fullPath = Path.GetFullPath(path);
        SqliteConnection? db = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = fullPath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
            }.ToString());
            db.Open();
            Execute(db, null, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
            var mode = Scalar(db, null, "PRAGMA journal_mode = WAL");
            if (!"wal".Equals(mode as string, StringComparison.OrdinalIgnoreCase))
                throw new DatastoreException($"cannot open embedded datastore {fullPath}: the file system does not support SQLite's WAL mode (got '{mode}')");
            Execute(db, null, "PRAGMA synchronous = NORMAL");
            using (var tx = db.BeginTransaction(deferred: false))
            {
                Execute(db, tx, Schema);
                var version = (long)Scalar(db, tx, "SELECT value FROM meta WHERE name = 'schema'")!;
                if (version != SchemaVersion)
                    throw new DatastoreException($"embedded datastore {fullPath} has schema version {version}; this Brindle understands version {SchemaVersion}");
                tx.Commit();
            }
            return new SqliteKeyValueStore(fullPath, options, db);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            db?.Dispose();
            throw new DatastoreException($"cannot open embedded datastore {fullPath}: {Reason(e)}", e);
        }
        catch
        {
            db?.Dispose();
            throw;
        }
    }

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ReadAsync(tx => ReadKey(tx, key), cancellationToken);

    public Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        ReadAsync(tx =>
        {
            var revision = Meta(tx, "revision");
            var items = new List<KeyValue>();
            using var cmd = Command(tx, "SELECT key, value, create_rev, mod_rev, lease FROM kv WHERE key >= $p" + (KvTransactionRules.PrefixEnd(prefix) is null ? "" : " AND key < $end") + " ORDER BY key");
            cmd.Parameters.AddWithValue("$p", prefix);
            if (KvTransactionRules.PrefixEnd(prefix) is { } end) cmd.Parameters.AddWithValue("$end", end);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var kv = ReadKeyValue(reader);
                if (kv.Key.StartsWith(prefix, StringComparison.Ordinal)) items.Add(kv);
            }
            return new ListResult(items, revision);
        }, cancellationToken);

    public Task<WriteResult> CreateAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) =>
        ConditionalAsync(key, current => current is null, w => w.Put(key, value, leaseId), cancellationToken);

    public Task<WriteResult> UpdateAsync(string key, string value, long expectedModRevision, long leaseId = 0, CancellationToken cancellationToken = default) =>
        ConditionalAsync(key, current => current is not null && current.ModRevision == expectedModRevision, w => w.Put(key, value, leaseId), cancellationToken);

    public Task<WriteResult> PutAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) =>
        ConditionalAsync(key, _ => true, w => w.Put(key, value, leaseId), cancellationToken);

    public Task<WriteResult> DeleteAsync(string key, long expectedModRevision = 0, CancellationToken cancellationToken = default) =>
        ConditionalAsync(key, current => current is not null && (expectedModRevision == 0 || current.ModRevision == expectedModRevision), w => w.Delete(key), cancellationToken);

    public Task<TransactionResult> TransactAsync(IReadOnlyList<KvCondition> conditions, IReadOnlyList<KvOperation> operations, CancellationToken cancellationToken = default)
    {
        KvTransactionRules.Validate(operations);
        return WriteAsync(w =>
        {
            foreach (var c in conditions)
            {
                if ((ReadKey(w.Transaction, c.Key)?.ModRevision ?? 0) != c.ModRevision) return new TransactionResult(false, w.Revision);
            }
            w.BeginRevision();
            foreach (var op in operations)
            {
                if (op.Type == KvOperationType.Put) w.Put(op.Key, op.Value ?? "", op.LeaseId);
                else w.Delete(op.Key);
            }
            w.EndRevision();
            return new TransactionResult(true, w.Revision);
        }, cancellationToken);
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var token = linked.Token;
        var (current, compacted) = await ReadAsync(tx => (Meta(tx, "revision"), Meta(tx, "compacted")), token);
        if (fromRevision > 0 && fromRevision <= compacted) throw new WatchCompactedException(fromRevision, compacted + 1);
        var cursor = new LogCursor(fromRevision > 0 ? fromRevision - 1 : current, long.MaxValue);
        var recheck = NotifiedRecheckDelays.Length;   // index of the next short re-read after a notification that found nothing
        while (true)
        {
            var wake = _signal.Next;
            var batch = await ReadAsync(tx => ReadLog(tx, prefix, cursor), token);
            if (batch.Lost) throw new WatchCompactedException(cursor.Revision + 1, batch.Compacted + 1);
            foreach (var e in batch.Events) yield return e;
            cursor = batch.Next;
            if (batch.Events.Count >= WatchBatchSize) continue;
            if (batch.Events.Count == 0 && recheck < NotifiedRecheckDelays.Length)
            {
                // A write to the -wal file is notified a moment before the commit is visible to readers (the
                // index in -shm is updated after the write): look again shortly instead of waiting a whole poll.
                await Task.WhenAny(wake, Task.Delay(NotifiedRecheckDelays[recheck++], token));
                token.ThrowIfCancellationRequested();
                continue;
            }
            var poll = Task.Delay(_fileWatcher is null ? _options.WatchPollInterval : _options.NotifiedWatchPollInterval, token);
            var woken = await Task.WhenAny(wake, poll);
            token.ThrowIfCancellationRequested();
            recheck = woken == wake ? 0 : NotifiedRecheckDelays.Length;
        }
    }

    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) =>
        WriteAsync(w =>
        {
            using var cmd = Command(w.Transaction, "INSERT INTO leases(ttl_ms, expires_ms) VALUES ($ttl, $exp); SELECT last_insert_rowid()");
            var ttlMs = (long)ttl.TotalMilliseconds;
            cmd.Parameters.AddWithValue("$ttl", ttlMs);
            cmd.Parameters.AddWithValue("$exp", NowMs() + ttlMs);
            return (long)cmd.ExecuteScalar()!;
        }, cancellationToken);

    public Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) =>
        WriteAsync(w =>
        {
            using var cmd = Command(w.Transaction, "UPDATE leases SET expires_ms = $now + ttl_ms WHERE id = $id");
            cmd.Parameters.AddWithValue("$now", NowMs());
            cmd.Parameters.AddWithValue("$id", leaseId);
            return cmd.ExecuteNonQuery() > 0;
        }, cancellationToken);

    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) =>
        WriteAsync(w => w.DeleteLeases([leaseId]), cancellationToken);

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) =>
        WriteAsync(w =>
        {
            if (revision > w.Revision) throw new ArgumentOutOfRangeException(nameof(revision), $"revision {revision} is in the future (current {w.Revision})");
            w.DropLogThrough(revision - 1);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        await _disposed.CancelAsync();
        _fileWatcher?.Dispose();
        await _gate.WaitAsync();
        try
        {
            await _db.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task<WriteResult> ConditionalAsync(string key, Func<KeyValue?, bool> condition, Action<LogWriter> write, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            var current = ReadKey(w.Transaction, key);
            if (!condition(current)) return new WriteResult(false, w.Revision, current);
            w.BeginRevision();
            write(w);
            w.EndRevision();
            return new WriteResult(true, w.Revision, ReadKey(w.Transaction, key));
        }, cancellationToken);

    /// <summary>Runs <paramref name="body"/> in one BEGIN IMMEDIATE transaction, after expiring due leases.</summary>
    private async Task<T> WriteAsync<T>(Func<LogWriter, T> body, CancellationToken cancellationToken)
    {
        bool changed;
        T result;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            using var tx = _db.BeginTransaction(deferred: false);
            var writer = new LogWriter(tx, NowMs(), _options.MaxLogEvents);
            writer.ExpireLeases();
            result = body(writer);
            changed = writer.Finish();
            tx.Commit();
        }
        catch (SqliteException e)
        {
            throw new DatastoreException($"embedded datastore {_path}: {Reason(e)}", e);
        }
        finally
        {
            _gate.Release();
        }
        if (changed) _signal.Signal();
        return result;
    }

    /// <summary>Runs <paramref name="body"/> in one read transaction (a consistent snapshot), expiring due leases first.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteTransaction, T> body, CancellationToken cancellationToken)
    {
        if (await HasExpiredLeasesAsync(cancellationToken)) await WriteAsync(_ => true, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            using var tx = _db.BeginTransaction(deferred: true);
            var result = body(tx);
            tx.Commit();
            return result;
        }
        catch (SqliteException e)
        {
            throw new DatastoreException($"embedded datastore {_path}: {Reason(e)}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> HasExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT EXISTS(SELECT 1 FROM leases WHERE expires_ms <= $now)";
            cmd.Parameters.AddWithValue("$now", NowMs());
            return (long)cmd.ExecuteScalar()! != 0;
        }
        catch (SqliteException e)
        {
            throw new DatastoreException($"embedded datastore {_path}: {Reason(e)}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static LogBatch ReadLog(SqliteTransaction tx, string prefix, LogCursor cursor)
    {
        var revision = Meta(tx, "revision");
        var compacted = Meta(tx, "compacted");
        var lost = compacted > cursor.Revision || (compacted == cursor.Revision && cursor.Seq != long.MaxValue);
        if (lost) return new LogBatch([], cursor, true, compacted);
        var end = KvTransactionRules.PrefixEnd(prefix);
        using var cmd = Command(tx,
            "SELECT revision, seq, type, key, value FROM events WHERE (revision > $r OR (revision = $r AND seq > $s)) AND revision <= $cur AND key >= $p"
            + (end is null ? "" : " AND key < $end") + $" ORDER BY revision, seq LIMIT {WatchBatchSize}");
        cmd.Parameters.AddWithValue("$r", cursor.Revision);
        cmd.Parameters.AddWithValue("$s", cursor.Seq);
        cmd.Parameters.AddWithValue("$cur", revision);
        cmd.Parameters.AddWithValue("$p", prefix);
        if (end is not null) cmd.Parameters.AddWithValue("$end", end);
        var events = new List<WatchEvent>();
        var last = cursor;
        var rows = 0;
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                rows++;
                last = new LogCursor(reader.GetInt64(0), reader.GetInt64(1));
                var key = reader.GetString(3);
                if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var type = (WatchEventType)reader.GetInt32(2);
                events.Add(new WatchEvent(type, key, reader.IsDBNull(4) ? null : reader.GetString(4), last.Revision));
            }
        }
        // A short batch read everything up to the snapshot's revision: move the cursor there, so a quiet prefix never
        // falls behind the compaction point.
        var next = rows < WatchBatchSize ? new LogCursor(revision, long.MaxValue) : last;
        return new LogBatch(events, next, false, compacted);
    }

    private static KeyValue? ReadKey(SqliteTransaction tx, string key)
    {
        using var cmd = Command(tx, "SELECT key, value, create_rev, mod_rev, lease FROM kv WHERE key = $k");
        cmd.Parameters.AddWithValue("$k", key);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadKeyValue(reader) : null;
    }

    private static KeyValue ReadKeyValue(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));

    private static long Meta(SqliteTransaction tx, string name)
    {
        using var cmd = Command(tx, "SELECT value FROM meta WHERE name = $n");
        cmd.Parameters.AddWithValue("$n", name);
        return (long)cmd.ExecuteScalar()!;
    }

    private static SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var cmd = tx.Connection!.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static void Execute(SqliteConnection db, SqliteTransaction? tx, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection db, SqliteTransaction? tx, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private long NowMs() => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static FileSystemWatcher? WatchFile(string path, ChangeSignal signal)
    {
        try
        {
            var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*")
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
            };
            watcher.Changed += (_, _) => signal.Signal();
            watcher.Created += (_, _) => signal.Signal();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // Out of inotify watches (or no inotify): watchers fall back to polling.
            return null;
        }
    }

    private static string Reason(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 5 } => "the file is locked by another process for longer than the busy timeout",
        SqliteException { SqliteErrorCode: 8 } or UnauthorizedAccessException => "permission denied",
        SqliteException { SqliteErrorCode: 14 } => "unable to open the file (missing directory or permission denied)",
        SqliteException { SqliteErrorCode: 26 } => "the file is not an SQLite database",
        SqliteException s => s.Message,
        _ => e.Message,
    };

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value TEXT NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL, lease INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS kv_by_lease ON kv(lease) WHERE lease <> 0;
        CREATE TABLE IF NOT EXISTS leases(id INTEGER PRIMARY KEY AUTOINCREMENT, ttl_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS leases_by_expiry ON leases(expires_ms);
        CREATE TABLE IF NOT EXISTS events(revision INTEGER NOT NULL, seq INTEGER NOT NULL, type INTEGER NOT NULL, key TEXT NOT NULL, value TEXT, PRIMARY KEY(revision, seq)) WITHOUT ROWID;
        INSERT OR IGNORE INTO meta(name, value) VALUES ('schema', 1), ('revision', 1), ('compacted', 0);
        """;

    private readonly record struct LogCursor(long Revision, long Seq);

    private sealed record LogBatch(IReadOnlyList<WatchEvent> Events, LogCursor Next, bool Lost, long Compacted);

    /// <summary>The writes of one BEGIN IMMEDIATE transaction: keys, their events and the revision counter.</summary>
    private sealed class LogWriter(SqliteTransaction transaction, long nowMs, int maxLogEvents)
    {
        private long? _pending;
        private int _seq;
        private bool _changed;
        private SqliteCommand? _put;
        private SqliteCommand? _delete;
        private SqliteCommand? _event;

        public SqliteTransaction Transaction { get; } = transaction;

        /// <summary>The store revision (after the writes so far in this transaction).</summary>
        public long Revision { get; private set; } = Meta(transaction, "revision");

        public void BeginRevision()
        {
            _pending = Revision + 1;
            _seq = 0;
        }

        public void EndRevision()
        {
            if (_seq > 0)
            {
                Revision = _pending!.Value;
                _changed = true;
            }
            _pending = null;
        }

        public void Put(string key, string value, long leaseId)
        {
            var revision = _pending ?? throw new InvalidOperationException("no revision begun");
            if (leaseId != 0 && !LeaseExists(leaseId)) throw new LeaseNotFoundException(leaseId);
            _put ??= Prepare("INSERT INTO kv(key, value, create_rev, mod_rev, lease) VALUES ($k, $v, $r, $r, $l) ON CONFLICT(key) DO UPDATE SET value = excluded.value, mod_rev = excluded.mod_rev, lease = excluded.lease", "$k", "$v", "$r", "$l");
            Run(_put, key, value, revision, leaseId);
            AddEvent(WatchEventType.Put, key, value);
        }

        public void Delete(string key)
        {
            _delete ??= Prepare("DELETE FROM kv WHERE key = $k", "$k");
            if (Run(_delete, key) > 0) AddEvent(WatchEventType.Delete, key, null);
        }

        public void ExpireLeases()
        {
            using var cmd = Command(Transaction, "SELECT id FROM leases WHERE expires_ms <= $now");
            cmd.Parameters.AddWithValue("$now", nowMs);
            var expired = new List<long>();
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read()) expired.Add(reader.GetInt64(0));
            }
            if (expired.Count > 0) DeleteLeases(expired);
        }

        /// <summary>Deletes the leases and (in one new revision) every key attached to them.</summary>
        public bool DeleteLeases(IReadOnlyList<long> leaseIds)
        {
            BeginRevision();
            foreach (var id in leaseIds)
            {
                var keys = new List<string>();
                using (var cmd = Command(Transaction, "SELECT key FROM kv WHERE lease = $l ORDER BY key"))
                {
                    cmd.Parameters.AddWithValue("$l", id);
                    using var reader = cmd.ExecuteReader();
                    while (reader.Read()) keys.Add(reader.GetString(0));
                }
                foreach (var key in keys) Delete(key);
                using var del = Command(Transaction, "DELETE FROM leases WHERE id = $l");
                del.Parameters.AddWithValue("$l", id);
                del.ExecuteNonQuery();
            }
            EndRevision();
            return true;
        }

        /// <summary>Drops log events with revision &lt;= <paramref name="revision"/> and records the compaction point.</summary>
        public void DropLogThrough(long revision)
        {
            if (revision <= Meta(Transaction, "compacted")) return;
            using var cmd = Command(Transaction, "DELETE FROM events WHERE revision <= $r; UPDATE meta SET value = $r WHERE name = 'compacted'");
            cmd.Parameters.AddWithValue("$r", revision);
            cmd.ExecuteNonQuery();
        }

        /// <summary>Stores the new revision and trims the log; true if anything changed.</summary>
        public bool Finish()
        {
            _put?.Dispose();
            _delete?.Dispose();
            _event?.Dispose();
            if (!_changed) return false;
            using (var cmd = Command(Transaction, "UPDATE meta SET value = $r WHERE name = 'revision'"))
            {
                cmd.Parameters.AddWithValue("$r", Revision);
                cmd.ExecuteNonQuery();
            }
            if (Revision % TrimEveryRevisions == 0) TrimLog();
            return true;
        }

        private void TrimLog()
        {
            using var cmd = Command(Transaction, "SELECT revision FROM events ORDER BY revision DESC, seq DESC LIMIT 1 OFFSET $max");
            cmd.Parameters.AddWithValue("$max", maxLogEvents);
            if (cmd.ExecuteScalar() is long oldest) DropLogThrough(Math.Min(oldest, Revision - 1));
        }

        private bool LeaseExists(long leaseId)
        {
            using var cmd = Command(Transaction, "SELECT EXISTS(SELECT 1 FROM leases WHERE id = $l)");
            cmd.Parameters.AddWithValue("$l", leaseId);
            return (long)cmd.ExecuteScalar()! != 0;
        }

        private void AddEvent(WatchEventType type, string key, string? value)
        {
            _event ??= Prepare("INSERT INTO events(revision, seq, type, key, value) VALUES ($r, $s, $t, $k, $v)", "$r", "$s", "$t", "$k", "$v");
            Run(_event, _pending!.Value, _seq++, (int)type, key, (object?)value ?? DBNull.Value);
        }

        private SqliteCommand Prepare(string sql, params string[] names)
        {
            var cmd = Command(Transaction, sql);
            foreach (var n in names) cmd.Parameters.Add(new SqliteParameter { ParameterName = n });
            cmd.Prepare();
            return cmd;
        }

        private static int Run(SqliteCommand cmd, params object[] values)
        {
            for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i];
            return cmd.ExecuteNonQuery();
        }
    }
}
