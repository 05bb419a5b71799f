namespace Brindle.Datastore.Kv;

/// <summary>The keys under a prefix and the store revision at which they were read (watch from <c>Revision + 1</c>).</summary>
public sealed record ListResult(IReadOnlyList<KeyValue> Items, long Revision);
