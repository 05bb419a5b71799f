using System.Globalization;
using Brindle.Api;
using Brindle.Cli.Manifests;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;

namespace Brindle.Cli.Resources;

/// <summary>What a write verb does with each resource.</summary>
internal enum WriteMode
{
    /// <summary>Create or replace (<c>apply</c>).</summary>
    Apply,

    /// <summary>Only if absent (<c>create</c>).</summary>
    Create,

    /// <summary>Only if present (<c>replace</c>).</summary>
    Replace,
}

/// <summary>The outcome of a batch write: every problem (then nothing was written) or the stored resources.</summary>
internal sealed record WriteOutcome(IReadOnlyList<Resource> Written, IReadOnlyList<ResourceError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Writes a batch of documents all or nothing. Order of work: check everything (fields, selectors, pools against
/// stored pools, tiers, create/replace existence), and only if nothing is wrong write the whole batch in one
/// datastore transaction (<see cref="ResourceStore.ApplyAllAsync"/>). Create and replace pin each document's
/// expected revision ("0" = must be absent; the revision read = must still be that copy), so a concurrent writer
/// makes the transaction fail rather than silently turning a create into an overwrite.
/// </summary>
internal sealed class ResourceWriter(ResourceStore store)
{
    private const string Absent = "0";

    public static string Verb(WriteMode mode) => mode switch
    {
        WriteMode.Create => "created",
        WriteMode.Replace => "replaced",
        _ => "applied",
    };

    /// <summary>The pools and tiers checks of a batch depend on.</summary>
    public async Task<StoredContext> ReadContextAsync(CancellationToken cancellationToken)
    {
        var pools = await store.ListAsync(ResourceKinds.IPPool, null, cancellationToken);
        var tiers = await store.ListAsync(ResourceKinds.Tier, null, cancellationToken);
        return new StoredContext([.. pools.Items.Cast<IPPool>()], tiers.Items.Select(t => t.Name).ToHashSet(StringComparer.Ordinal)) { Online = true };
    }

    public async Task<WriteOutcome> WriteAsync(IReadOnlyList<Document> documents, WriteMode mode, CancellationToken cancellationToken)
    {
        var errors = new List<ResourceError>(ManifestChecks.Validate(documents, await ReadContextAsync(cancellationToken)));
        var pinned = documents;
        if (mode != WriteMode.Apply)
        {
            var stored = await StoredVersionsAsync(documents, cancellationToken);
            pinned = [.. documents.Select(d => Pin(d, mode, stored, errors))];
        }
        if (errors.Count > 0) return new WriteOutcome([], errors);

        var result = await store.ApplyAllAsync(pinned, cancellationToken: cancellationToken);
        return new WriteOutcome(result.Applied, [.. result.Errors.Select(e => Explain(e, mode))]);
    }

    private static Document Pin(Document document, WriteMode mode, IReadOnlyDictionary<string, string> stored, List<ResourceError> errors)
    {
        var resource = document.Resource;
        var exists = stored.TryGetValue(resource.Key, out var current);
        if (mode == WriteMode.Create)
        {
            if (exists) errors.Add(document.Error(null, $"{resource.Describe()} already exists (use apply or replace to change it)"));
            if (resource.Metadata.ResourceVersion is not null) errors.Add(document.Error("metadata.resourceVersion", "must not be set when creating a resource"));
            return document with { Resource = resource with { Metadata = resource.Metadata with { ResourceVersion = Absent } } };
        }
        if (!exists)
        {
            errors.Add(document.Error(null, $"{resource.Describe()} does not exist (use create or apply)"));
            return document;
        }
        return resource.Metadata.ResourceVersion is not null
            ? document
            : document with { Resource = resource with { Metadata = resource.Metadata with { ResourceVersion = current } } };
    }

    /// <summary>Key → resourceVersion of every stored resource of the kinds and namespaces in the batch (one list per group).</summary>
    private async Task<IReadOnlyDictionary<string, string>> StoredVersionsAsync(IReadOnlyList<Document> documents, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in documents.Select(d => (d.Resource.ResourceKind, d.Resource.Namespace)).Distinct())
        {
            var list = await store.ListAsync(group.ResourceKind, group.ResourceKind.Namespaced ? group.Namespace : null, cancellationToken);
            foreach (var r in list.Items) versions[r.Key] = r.Metadata.ResourceVersion ?? list.Revision.ToString(CultureInfo.InvariantCulture);
        }
        return versions;
    }

    /// <summary>Store errors caused by our own pins are re-worded as the create/replace conflicts they are.</summary>
    private static ResourceError Explain(ResourceError error, WriteMode mode) => (mode, error.Field) switch
    {
        (WriteMode.Create, "metadata.resourceVersion") => error with { Field = null, Reason = "was created by someone else meanwhile; nothing was written" },
        _ => error,
    };

    /// <summary>
    /// Deletes every resource in one transaction, each only if it is still the copy that was read. Missing ones are
    /// errors unless <paramref name="skipNotFound"/>. Returns the deleted resources, or every problem (nothing deleted).
    /// </summary>
    public async Task<WriteOutcome> DeleteAllAsync(IReadOnlyList<(ResourceKind Kind, string? Namespace, string Name, Document? Source)> targets, bool skipNotFound, CancellationToken cancellationToken)
    {
        var errors = new List<ResourceError>();
        var found = new List<Resource>();
        foreach (var (kind, ns, name, source) in targets)
        {
            var resource = await store.GetAsync(kind, kind.Namespaced ? ns : null, name, cancellationToken);
            if (resource is not null)
            {
                if (!found.Exists(r => r.Key == resource.Key)) found.Add(resource);
            }
            else if (!skipNotFound)
            {
                var qualified = kind.Namespaced ? $"{ns}/{name}" : name;
                errors.Add(source?.Error(null, "resource does not exist") ?? new ResourceError(null, null, kind.Name, qualified, null, "resource does not exist"));
            }
        }
        if (errors.Count > 0 || found.Count == 0) return new WriteOutcome([], errors);

        var conditions = found.Select(r => new KvCondition(r.Key, long.Parse(r.Metadata.ResourceVersion!, CultureInfo.InvariantCulture))).ToList();
        var result = await store.KeyValueStore.TransactAsync(conditions, [.. found.Select(r => KvOperation.Delete(r.Key))], cancellationToken);
        if (!result.Succeeded)
        {
            return new WriteOutcome([], [new ResourceError(null, null, null, null, null, "some of these resources were changed by someone else while deleting; nothing was deleted (run the command again)")]);
        }
        return new WriteOutcome(found, []);
    }
}
