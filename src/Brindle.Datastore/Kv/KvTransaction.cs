namespace Brindle.Datastore.Kv;

/// <summary>A condition of a transaction: the key's ModRevision must equal <see cref="ModRevision"/> (0 = key absent).</summary>
public sealed record KvCondition(string Key, long ModRevision);

public enum KvOperationType
{
    Put,
    Delete,
}

/// <summary>One write of a transaction. A Delete of an absent key is a no-op.</summary>
public sealed record KvOperation(KvOperationType Type, string Key, string? Value = null, long LeaseId = 0)
{
    public static KvOperation Put(string key, string value, long leaseId = 0) => new(KvOperationType.Put, key, value, leaseId);
    public static KvOperation Delete(string key) => new(KvOperationType.Delete, key);
}

/// <summary>Whether the transaction's conditions held (and so its operations were applied), and the revision after it.</summary>
public sealed record TransactionResult(bool Succeeded, long Revision);
