namespace Brindle.Api;

/// <summary>
/// A Calico resource: <c>apiVersion</c>, <c>kind</c>, <c>metadata</c> and (for most kinds) <c>spec</c>.
/// Every kind is a sealed record deriving from this one; equality is by value throughout
/// (collections are <see cref="EquatableArray{T}"/> / <see cref="EquatableMap{TValue}"/>).
/// </summary>
public abstract record Resource
{
    public ObjectMetadata Metadata { get; init; } = new();

    /// <summary>The registry entry for this kind (plural, scope, key layout, aliases).</summary>
    public abstract ResourceKind ResourceKind { get; }

    /// <summary>The kind as written in manifests, e.g. <c>NetworkPolicy</c>.</summary>
    public string Kind => ResourceKind.Name;

    public string ApiVersion => ResourceKind.ApiVersion;

    public string Name => Metadata.Name;

    public string? Namespace => Metadata.Namespace;

    /// <summary>The datastore key, e.g. <c>/calico/resources/v3/projectcalico.org/networkpolicies/ns/name</c>.</summary>
    public string Key => ResourceKind.KeyFor(Metadata.Namespace, Metadata.Name);

    /// <summary>"ns/name" for namespaced kinds ("/name" before a namespace is set), "name" otherwise.</summary>
    public string QualifiedName => ResourceKind.Namespaced ? $"{Metadata.Namespace}/{Metadata.Name}" : Metadata.Name;

    /// <summary>Human description, e.g. <c>NetworkPolicy 'ns/name'</c>.</summary>
    public string Describe() => $"{Kind} '{QualifiedName}'";
}
