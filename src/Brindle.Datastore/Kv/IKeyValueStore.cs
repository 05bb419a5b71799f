namespace Brindle.Datastore.Kv;

/// <summary>
/// The one revisioned key/value interface every datastore backend implements (etcd v3 semantics).
/// </summary>
/// <remarks>
/// Invariants every backend keeps (the conformance suite checks them):
/// <list type="bullet">
/// <item>The store has one revision counter. Every successful write (one key, or one transaction) raises it
/// by exactly one, and every key written in it gets that revision as its <see cref="KeyValue.ModRevision"/>.</item>
/// <item>Compare-and-swap: <see cref="CreateAsync"/> succeeds only if the key is absent, <see cref="UpdateAsync"/> and
/// <see cref="DeleteAsync"/> only if the key's current ModRevision equals the expected one. A failed CAS changes nothing
/// and returns the current value so the caller can retry.</item>
/// <item><see cref="WatchAsync"/> from revision R yields every change with revision &gt;= R under the prefix, in revision
/// order, none lost, none repeated; if R is older than what the backend keeps, it throws <see cref="WatchCompactedException"/>
/// and the caller re-lists.</item>
/// <item>A key written with a lease is deleted (and a Delete event is delivered) when the lease expires or is revoked.
/// Writing with a lease that does not exist throws <see cref="LeaseNotFoundException"/>.</item>
/// <item>An empty store is at revision 1 (as etcd). A write that changes nothing (deleting an absent key in a transaction)
/// does not raise the revision.</item>
/// <item>Unreachable backends and I/O failures throw <see cref="DatastoreException"/> with a plain message.</item>
/// </list>
/// Contract changes from the first draft (see docs/design/datastore.md): <see cref="CompactAsync"/> added;
/// <see cref="WatchAsync"/> with <c>fromRevision &lt;= 0</c> means "from now"; a key may appear only once among a
/// transaction's operations (etcd's rule); too-large transactions throw <see cref="TransactionTooLargeException"/>.
/// </remarks>
public interface IKeyValueStore : IAsyncDisposable
{
    /// <summary>A short name for messages: "embedded (/var/lib/brindle/brindle.db)", "etcd (http://127.0.0.1:2379)".</summary>
    string Description { get; }

    Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>All keys starting with <paramref name="prefix"/>, in key order, and the store revision they were read at.</summary>
    Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Creates the key only if it does not exist.</summary>
    Task<WriteResult> CreateAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default);

    /// <summary>Replaces the value only if the key's ModRevision is <paramref name="expectedModRevision"/>.</summary>
    Task<WriteResult> UpdateAsync(string key, string value, long expectedModRevision, long leaseId = 0, CancellationToken cancellationToken = default);

    /// <summary>Writes the value whatever is there (create or replace).</summary>
    Task<WriteResult> PutAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default);

    /// <summary>Deletes the key only if its ModRevision is <paramref name="expectedModRevision"/> (0: whatever it is).
    /// Fails (Succeeded=false, Current=null) if the key does not exist.</summary>
    Task<WriteResult> DeleteAsync(string key, long expectedModRevision = 0, CancellationToken cancellationToken = default);

    /// <summary>Applies every operation atomically if every condition holds; otherwise nothing.</summary>
    Task<TransactionResult> TransactAsync(IReadOnlyList<KvCondition> conditions, IReadOnlyList<KvOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Changes under <paramref name="prefix"/> from <paramref name="fromRevision"/> (inclusive) on, until cancelled.
    /// <paramref name="fromRevision"/> &lt;= 0 means "from now": only changes after the watch is established (on the first
    /// <c>MoveNextAsync</c>). To see everything without a gap, list and watch from <see cref="ListResult.Revision"/> + 1.
    /// Throws <see cref="WatchCompactedException"/> (on enumeration) if the revision is no longer kept.</summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default);

    Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Renews the lease; false if it has already expired.</summary>
    Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default);

    /// <summary>Ends the lease now and deletes its keys. Revoking an unknown lease does nothing.</summary>
    Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default);

    /// <summary>Discards watch history before <paramref name="revision"/>: a later watch from a revision below it throws
    /// <see cref="WatchCompactedException"/>; a watch from <paramref name="revision"/> itself still works.</summary>
    Task CompactAsync(long revision, CancellationToken cancellationToken = default);
}
