namespace Brindle.Datastore;

/// <summary>
/// The datastore could not do what was asked for a reason outside the caller's data: unreachable, I/O, permissions,
/// a limit of the backend. The message is plain and user-facing ("cannot reach etcd at http://127.0.0.1:2379: connection refused").
/// </summary>
public class DatastoreException : Exception
{
    public DatastoreException(string message) : base(message) { }

    public DatastoreException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>A transaction has more operations (or bytes) than the backend accepts in one request.</summary>
public sealed class TransactionTooLargeException(string message, Exception? innerException = null)
    : DatastoreException(message, innerException);

/// <summary>A write named a lease that does not exist (never granted, expired or revoked).</summary>
public sealed class LeaseNotFoundException(long leaseId, Exception? innerException = null)
    : DatastoreException($"lease {leaseId} does not exist or has expired", innerException)
{
    public long LeaseId { get; } = leaseId;
}
