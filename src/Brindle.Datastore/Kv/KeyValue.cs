namespace Brindle.Datastore.Kv;

/// <summary>One stored key. Revisions follow etcd: <see cref="ModRevision"/> is the store revision of the last write.</summary>
public sealed record KeyValue(string Key, string Value, long CreateRevision, long ModRevision, long LeaseId = 0);
