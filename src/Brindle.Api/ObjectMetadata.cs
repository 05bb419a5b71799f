namespace Brindle.Api;

/// <summary>Kubernetes-style object metadata, as Calico's v3 resources carry it.</summary>
public sealed record ObjectMetadata
{
    public string Name { get; init; } = "";

    /// <summary>Set for namespaced kinds only; null for cluster-scoped kinds.</summary>
    public string? Namespace { get; init; }

    public EquatableMap<string> Labels { get; init; }

    public EquatableMap<string> Annotations { get; init; }

    /// <summary>The datastore revision this copy was read at (opaque to clients); null when not stored.</summary>
    public string? ResourceVersion { get; init; }

    public string? Uid { get; init; }

    public DateTimeOffset? CreationTimestamp { get; init; }
}
