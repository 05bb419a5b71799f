using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Brindle.Datastore.Kv;

/// <summary>
/// A process-local <see cref="IKeyValueStore"/> for unit tests of logic that sits on the store (IPAM, typed client).
/// It keeps the whole contract (one revision counter, CAS, ordered watch with full history, leases on the injected clock)
/// and is checked by the same conformance suite as the real backends. Never used by the product itself.
/// </summary>
public sealed class InMemoryKeyValueStore(TimeProvider? timeProvider = null) : IKeyValueStore
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, KeyValue> _data = new(StringComparer.Ordinal);
    private readonly List<WatchEvent> _history = [];
    private readonly List<Channel<WatchEvent>> _watchers = [];
    private readonly Dictionary<long, (TimeSpan Ttl, DateTimeOffset Expires)> _leases = [];
    private long _revision = 1;
    private long _compacted;
    private long _nextLease = 1;

    public string Description => "in-memory";

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ExpireLeases();
            return Task.FromResult(_data.GetValueOrDefault(key));
        }
    }

    public Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ExpireLeases();
            var items = _data.Values.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            return Task.FromResult(new ListResult(items, _revision));
        }
    }

    public Task<WriteResult> CreateAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default)
        => Conditional(key, current => current is null, () => KvOperation.Put(key, value, leaseId));

    public Task<WriteResult> UpdateAsync(string key, string value, long expectedModRevision, long leaseId = 0, CancellationToken cancellationToken = default)
        => Conditional(key, current => current is not null && current.ModRevision == expectedModRevision, () => KvOperation.Put(key, value, leaseId));

    public Task<WriteResult> PutAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default)
        => Conditional(key, _ => true, () => KvOperation.Put(key, value, leaseId));

    public Task<WriteResult> DeleteAsync(string key, long expectedModRevision = 0, CancellationToken cancellationToken = default)
        => Conditional(key, current => current is not null && (expectedModRevision == 0 || current.ModRevision == expectedModRevision), () => KvOperation.Delete(key));

    public Task<TransactionResult> TransactAsync(IReadOnlyList<KvCondition> conditions, IReadOnlyList<KvOperation> operations, CancellationToken cancellationToken = default)
    {
        KvTransactionRules.Validate(operations);
        lock (_lock)
        {
            ExpireLeases();
            foreach (var op in operations)
            {
                if (op.LeaseId != 0 && !_leases.ContainsKey(op.LeaseId)) throw new LeaseNotFoundException(op.LeaseId);
            }
            foreach (var c in conditions)
            {
                var rev = _data.TryGetValue(c.Key, out var kv) ? kv.ModRevision : 0;
                if (rev != c.ModRevision) return Task.FromResult(new TransactionResult(false, _revision));
            }
            Apply(operations);
            return Task.FromResult(new TransactionResult(true, _revision));
        }
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock)
        {
            if (fromRevision > 0 && fromRevision <= _compacted) throw new WatchCompactedException(fromRevision, _compacted + 1);
            if (fromRevision > 0)
            {
                foreach (var e in _history)
                {
                    if (e.Revision >= fromRevision) channel.Writer.TryWrite(e);
                }
            }
            _watchers.Add(channel);
        }
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
            {
                if (e.Key.StartsWith(prefix, StringComparison.Ordinal)) yield return e;
            }
        }
        finally
        {
            lock (_lock) _watchers.Remove(channel);
        }
    }

    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var id = _nextLease++;
            _leases[id] = (ttl, _time.GetUtcNow() + ttl);
            return Task.FromResult(id);
        }
    }

    public Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ExpireLeases();
            if (!_leases.TryGetValue(leaseId, out var lease)) return Task.FromResult(false);
            _leases[leaseId] = (lease.Ttl, _time.GetUtcNow() + lease.Ttl);
            return Task.FromResult(true);
        }
    }

    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_leases.Remove(leaseId)) DeleteLeased([leaseId]);
            return Task.CompletedTask;
        }
    }

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (revision > _revision) throw new ArgumentOutOfRangeException(nameof(revision), $"revision {revision} is in the future (current {_revision})");
            if (revision - 1 <= _compacted) return Task.CompletedTask;
            _compacted = revision - 1;
            _history.RemoveAll(e => e.Revision <= _compacted);
            return Task.CompletedTask;
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            foreach (var w in _watchers) w.Writer.TryComplete();
        }
        return ValueTask.CompletedTask;
    }

    private Task<WriteResult> Conditional(string key, Func<KeyValue?, bool> condition, Func<KvOperation> operation)
    {
        lock (_lock)
        {
            ExpireLeases();
            var current = _data.GetValueOrDefault(key);
            if (!condition(current)) return Task.FromResult(new WriteResult(false, _revision, current));
            var op = operation();
            if (op.LeaseId != 0 && !_leases.ContainsKey(op.LeaseId))
                throw new LeaseNotFoundException(op.LeaseId);
            Apply([op]);
            return Task.FromResult(new WriteResult(true, _revision, _data.GetValueOrDefault(key)));
        }
    }

    private void Apply(IReadOnlyList<KvOperation> operations)
    {
        var revision = _revision + 1;
        var events = new List<WatchEvent>();
        foreach (var op in operations)
        {
            if (op.Type == KvOperationType.Put)
            {
                var create = _data.TryGetValue(op.Key, out var old) ? old.CreateRevision : revision;
                _data[op.Key] = new KeyValue(op.Key, op.Value ?? "", create, revision, op.LeaseId);
                events.Add(new WatchEvent(WatchEventType.Put, op.Key, op.Value, revision));
            }
            else if (_data.Remove(op.Key))
            {
                events.Add(new WatchEvent(WatchEventType.Delete, op.Key, null, revision));
            }
        }
        if (events.Count == 0) return;
        _revision = revision;
        foreach (var e in events)
        {
            _history.Add(e);
            foreach (var w in _watchers) w.Writer.TryWrite(e);
        }
    }

    private void ExpireLeases()
    {
        var now = _time.GetUtcNow();
        var expired = _leases.Where(l => l.Value.Expires <= now).Select(l => l.Key).ToList();
        if (expired.Count == 0) return;
        foreach (var id in expired) _leases.Remove(id);
        DeleteLeased(expired);
    }

    private void DeleteLeased(IReadOnlyCollection<long> leaseIds)
    {
        var keys = _data.Values.Where(kv => leaseIds.Contains(kv.LeaseId)).Select(kv => KvOperation.Delete(kv.Key)).ToList();
        if (keys.Count > 0) Apply(keys);
    }
}
