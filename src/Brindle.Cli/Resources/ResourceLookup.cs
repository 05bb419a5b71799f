using Brindle.Api;
using Brindle.Datastore.Resources;

namespace Brindle.Cli.Resources;

/// <summary>Reads named resources with calicoctl's wording for missing ones.</summary>
internal static class ResourceLookup
{
    /// <summary>The namespace a namespaced kind is read from: <c>-n</c>, else "default". Null for cluster-scoped kinds.</summary>
    public static string? NamespaceFor(ResourceKind kind, string? ns) =>
        kind.Namespaced ? ns ?? ResourceDefaults.DefaultNamespace : null;

    public static string NotFound(ResourceKind kind, string? ns, string name) =>
        $"resource does not exist: {kind.Name}({(kind.Namespaced ? $"{ns}/{name}" : name)})";

    public static async Task<Resource> GetRequiredAsync(ResourceStore store, ResourceKind kind, string? ns, string name, CancellationToken cancellationToken) =>
        await store.GetAsync(kind, NamespaceFor(kind, ns), name, cancellationToken)
        ?? throw new UserErrorException(NotFound(kind, NamespaceFor(kind, ns), name));
}
