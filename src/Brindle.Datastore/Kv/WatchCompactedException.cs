namespace Brindle.Datastore.Kv;

/// <summary>The watch asked for history the backend no longer keeps; list again and watch from the list's revision.</summary>
public sealed class WatchCompactedException(long requested, long oldestKept)
    : Exception($"Watch from revision {requested} is no longer possible: the oldest revision kept is {oldestKept}. List again.")
{
    public long Requested { get; } = requested;
    public long OldestKept { get; } = oldestKept;
}
