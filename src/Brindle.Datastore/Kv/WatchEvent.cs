namespace Brindle.Datastore.Kv;

public enum WatchEventType
{
    Put,
    Delete,
}

/// <summary>One change. <see cref="Value"/> is null for a delete.</summary>
public sealed record WatchEvent(WatchEventType Type, string Key, string? Value, long Revision);
