namespace Brindle.Datastore.Kv;

/// <summary>The outcome of a compare-and-swap write.</summary>
/// <param name="Succeeded">Whether the write happened.</param>
/// <param name="Revision">The store revision after the write (or the current one if it failed).</param>
/// <param name="Current">On success the key as written (null for a delete); on failure the key as it is now (null if absent).</param>
public sealed record WriteResult(bool Succeeded, long Revision, KeyValue? Current);
