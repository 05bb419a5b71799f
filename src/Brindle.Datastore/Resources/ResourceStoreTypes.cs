using Brindle.Api;

namespace Brindle.Datastore.Resources;

/// <summary>Resources of one kind and the store revision they were read at (watch from <c>Revision + 1</c>).</summary>
public sealed record ResourceList(IReadOnlyList<Resource> Items, long Revision);

public enum ResourceEventType
{
    /// <summary>Created or updated; <see cref="ResourceEvent.Resource"/> is null if the stored value does not decode.</summary>
    Put,
    Deleted,
}

/// <summary>One change to a resource. <see cref="Resource"/> is null for a delete or a value that failed to decode
/// (then <see cref="Error"/> says why): consumers treat null as "absent", never branch on create vs update.</summary>
public sealed record ResourceEvent(ResourceEventType Type, ResourceKind Kind, string? Namespace, string Name, Resource? Resource, long Revision, string? Error = null);

/// <summary>The outcome of <see cref="ResourceStore.ApplyAllAsync"/>: either everything was written at
/// <see cref="Revision"/> (Errors empty), or nothing was (Errors lists every problem).</summary>
public sealed record ApplyAllResult(IReadOnlyList<Resource> Applied, IReadOnlyList<ResourceError> Errors, long Revision)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>The resource does not exist.</summary>
public sealed class ResourceNotFoundException(ResourceKind kind, string? ns, string name)
    : DatastoreException($"{kind.Name} '{(kind.Namespaced ? $"{ns}/{name}" : name)}' does not exist")
{
    public ResourceKind Kind { get; } = kind;
}

/// <summary>A create of an existing resource, or a write with a stale <c>resourceVersion</c>.</summary>
public sealed class ResourceConflictException(string message) : DatastoreException(message);
