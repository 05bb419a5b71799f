using Brindle.Datastore.Kv;

namespace Brindle.Testing;

/// <summary>Lends one store to code that disposes what it is given (a CLI handler, one allocator of many): every call goes to
/// <paramref name="inner"/>, and disposing this wrapper leaves the store open for the others.</summary>
public sealed class SharedKeyValueStore(IKeyValueStore inner) : IKeyValueStore
{
    public string Description => inner.Description;

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task<WriteResult> CreateAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) =>
        inner.CreateAsync(key, value, leaseId, cancellationToken);

    public Task<WriteResult> UpdateAsync(string key, string value, long expectedModRevision, long leaseId = 0, CancellationToken cancellationToken = default) =>
        inner.UpdateAsync(key, value, expectedModRevision, leaseId, cancellationToken);

    public Task<WriteResult> PutAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, value, leaseId, cancellationToken);

    public Task<WriteResult> DeleteAsync(string key, long expectedModRevision = 0, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(key, expectedModRevision, cancellationToken);

    public Task<TransactionResult> TransactAsync(IReadOnlyList<KvCondition> conditions, IReadOnlyList<KvOperation> operations, CancellationToken cancellationToken = default) =>
        inner.TransactAsync(conditions, operations, cancellationToken);

    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default) =>
        inner.WatchAsync(prefix, fromRevision, cancellationToken);

    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GrantLeaseAsync(ttl, cancellationToken);

    public Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) => inner.KeepAliveAsync(leaseId, cancellationToken);

    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) => inner.RevokeLeaseAsync(leaseId, cancellationToken);

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => inner.CompactAsync(revision, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
