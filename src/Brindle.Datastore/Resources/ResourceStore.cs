using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Brindle.Api;
using Brindle.Datastore.Kv;

namespace Brindle.Datastore.Resources;

/// <summary>
/// Typed resources over an <see cref="IKeyValueStore"/>, in Calico's etcd v3 layout
/// (<c>/calico/resources/v3/projectcalico.org/&lt;plural&gt;/[&lt;namespace&gt;/]&lt;name&gt;</c>, compact JSON values).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>metadata.resourceVersion</c> is the key's mod revision as a decimal string. It is never stored in the
/// value; every returned resource carries it. A write that carries one is a compare-and-swap on it.</item>
/// <item><c>uid</c> and <c>creationTimestamp</c> are set on create and kept by later updates.</item>
/// <item><see cref="ApplyAllAsync"/> validates every document first and then writes all of them in one transaction
/// conditioned on the revisions it read, so either all are written at one revision or none is.</item>
/// </list>
/// </remarks>
public sealed class ResourceStore(IKeyValueStore store, TimeProvider? timeProvider = null)
{
    /// <summary>Attempts of an apply whose read revisions were changed underneath it by another writer.</summary>
    private const int MaxApplyAttempts = 5;

    /// <summary>From this many documents of one kind, one list of the kind is cheaper than a get per document.</summary>
    private const int ListInsteadOfGetThreshold = 16;

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public IKeyValueStore KeyValueStore => store;

    public async Task<Resource?> GetAsync(ResourceKind kind, string? ns, string name, CancellationToken cancellationToken = default)
    {
        var kv = await store.GetAsync(kind.KeyFor(ns, name), cancellationToken);
        return kv is null ? null : Decode(kv);
    }

    public async Task<T?> GetAsync<T>(string name, string? ns = null, CancellationToken cancellationToken = default) where T : Resource =>
        (T?)await GetAsync(ResourceKinds.ForType(typeof(T)), ns, name, cancellationToken);

    /// <summary>Every resource of <paramref name="kind"/> (in one namespace, or all when <paramref name="ns"/> is null), in key order.</summary>
    public async Task<ResourceList> ListAsync(ResourceKind kind, string? ns = null, CancellationToken cancellationToken = default)
    {
        var list = await store.ListAsync(kind.Prefix(ns), cancellationToken);
        // Decoding dominates big lists: ResourceStorageCodec, not the manifest reader. PLINQ made it slower on the 2-core bench machine.
        var items = list.Items.Where(kv => kind.TryParseKey(kv.Key, out _, out _)).Select(Decode).ToList();
        return new ResourceList(items, list.Revision);
    }

    /// <exception cref="ResourceConflictException">It already exists.</exception>
    public async Task<Resource> CreateAsync(Resource resource, CancellationToken cancellationToken = default)
    {
        CheckIdentity(resource);
        var stored = Stamp(resource, existing: null);
        var result = await store.CreateAsync(resource.Key, Encode(stored), cancellationToken: cancellationToken);
        if (!result.Succeeded) throw new ResourceConflictException($"{resource.Describe()} already exists");
        return WithVersion(stored, result.Current!.ModRevision);
    }

    /// <summary>Replaces an existing resource; with a <c>resourceVersion</c> only if it is still current.</summary>
    /// <exception cref="ResourceNotFoundException">It does not exist.</exception>
    /// <exception cref="ResourceConflictException">The resourceVersion is stale.</exception>
    public async Task<Resource> UpdateAsync(Resource resource, CancellationToken cancellationToken = default)
    {
        CheckIdentity(resource);
        var expected = ParseVersion(resource);
        while (true)
        {
            var current = await store.GetAsync(resource.Key, cancellationToken) ?? throw NotFound(resource);
            if (expected is not null && current.ModRevision != expected) throw Stale(resource, current.ModRevision);
            var stored = Stamp(resource, StoredIdentity.Read(current.Value));
            var result = await store.UpdateAsync(resource.Key, Encode(stored), current.ModRevision, cancellationToken: cancellationToken);
            if (result.Succeeded) return WithVersion(stored, result.Current!.ModRevision);
            if (result.Current is null) throw NotFound(resource);
            if (expected is not null) throw Stale(resource, result.Current.ModRevision);
        }
    }

    /// <summary>Creates or replaces (calicoctl apply). A <c>resourceVersion</c>, if given, must be current.</summary>
    public async Task<Resource> ApplyAsync(Resource resource, CancellationToken cancellationToken = default)
    {
        CheckIdentity(resource);
        var result = await ApplyAllAsync([new Document(resource, "-", 1)], cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            var first = result.Errors[0];
            throw new ResourceConflictException(first.ToString());
        }
        return result.Applied[0];
    }

    /// <summary>Deletes the resource (only at <paramref name="resourceVersion"/> if given) and returns what was deleted.</summary>
    /// <exception cref="ResourceNotFoundException">It does not exist.</exception>
    /// <exception cref="ResourceConflictException">The resourceVersion is stale.</exception>
    public async Task<Resource> DeleteAsync(ResourceKind kind, string? ns, string name, string? resourceVersion = null, CancellationToken cancellationToken = default)
    {
        var key = kind.KeyFor(ns, name);
        long? expected = resourceVersion is null ? null : ParseVersion(resourceVersion, $"{kind.Name} '{name}'");
        while (true)
        {
            var current = await store.GetAsync(key, cancellationToken) ?? throw new ResourceNotFoundException(kind, ns, name);
            var described = Decode(current);
            if (expected is not null && current.ModRevision != expected) throw Stale(described, current.ModRevision);
            var result = await store.DeleteAsync(key, current.ModRevision, cancellationToken);
            if (result.Succeeded) return described;
            if (result.Current is null) throw new ResourceNotFoundException(kind, ns, name);
            if (expected is not null) throw Stale(described, result.Current.ModRevision);
        }
    }

    /// <summary>
    /// Creates or replaces every document in ONE transaction. First checks every document (identity, duplicates,
    /// stale resourceVersions, and <paramref name="validate"/> if given); if any problem is found nothing is written
    /// and all problems are returned. A concurrent writer changing one of the keys between read and write makes the
    /// transaction fail; it is then re-read and retried (bounded).
    /// </summary>
    /// <exception cref="TransactionTooLargeException">The backend refuses a transaction this big (etcd's limits).</exception>
    public async Task<ApplyAllResult> ApplyAllAsync(IReadOnlyList<Document> documents, Func<Document, IEnumerable<ResourceError>>? validate = null, CancellationToken cancellationToken = default)
    {
        var errors = new List<ResourceError>();
        var seen = new Dictionary<string, Document>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            errors.AddRange(IdentityErrors(doc));
            if (validate is not null) errors.AddRange(validate(doc));
            if (!seen.TryAdd(doc.Resource.Key, doc))
                errors.Add(doc.Error(null, $"the same resource is also document {seen[doc.Resource.Key].Index} of {seen[doc.Resource.Key].Source}"));
            if (doc.Resource.Metadata.ResourceVersion is { } rv && !long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                errors.Add(doc.Error("metadata.resourceVersion", $"'{rv}' is not a resource version of this datastore"));
        }
        if (errors.Count > 0) return new ApplyAllResult([], errors, 0);

        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadCurrentAsync(documents, cancellationToken);
            var stale = documents.Zip(current)
                .Where(p => ParseVersion(p.First.Resource) is { } expected && (p.Second?.ModRevision ?? 0) != expected)
                .Select(p => p.First.Error("metadata.resourceVersion",
                    p.Second is null ? "the resource no longer exists" : $"resourceVersion {p.First.Resource.Metadata.ResourceVersion} is stale (current {p.Second.ModRevision})"))
                .ToList();
            if (stale.Count > 0) return new ApplyAllResult([], stale, 0);

            var stored = documents.Zip(current).Select(p => Stamp(p.First.Resource, p.Second is null ? null : StoredIdentity.Read(p.Second.Value))).ToList();
            var conditions = documents.Zip(current).Select(p => new KvCondition(p.First.Resource.Key, p.Second?.ModRevision ?? 0)).ToList();
            var operations = stored.Select(r => KvOperation.Put(r.Key, Encode(r))).ToList();
            var result = await store.TransactAsync(conditions, operations, cancellationToken);
            if (result.Succeeded) return new ApplyAllResult([.. stored.Select(r => WithVersion(r, result.Revision))], [], result.Revision);
            if (attempt == MaxApplyAttempts)
                throw new ResourceConflictException($"gave up applying {documents.Count} resources after {MaxApplyAttempts} attempts: other writers keep changing them");
        }
    }

    /// <summary>The stored copy of each document's key (null if absent): one list per kind with many documents, else one get each.</summary>
    private async Task<KeyValue?[]> ReadCurrentAsync(IReadOnlyList<Document> documents, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, KeyValue>(StringComparer.Ordinal);
        foreach (var group in documents.GroupBy(d => d.Resource.ResourceKind))
        {
            if (group.Count() >= ListInsteadOfGetThreshold)
            {
                foreach (var kv in (await store.ListAsync(group.Key.Prefix(), cancellationToken)).Items) found[kv.Key] = kv;
                continue;
            }
            foreach (var doc in group)
            {
                if (await store.GetAsync(doc.Resource.Key, cancellationToken) is { } kv) found[kv.Key] = kv;
            }
        }
        return [.. documents.Select(d => found.GetValueOrDefault(d.Resource.Key))];
    }

    /// <summary>Changes to resources of <paramref name="kind"/> from <paramref name="fromRevision"/> on (0: from now).</summary>
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(ResourceKind kind, string? ns, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in store.WatchAsync(kind.Prefix(ns), fromRevision, cancellationToken))
        {
            if (!kind.TryParseKey(e.Key, out var keyNs, out var name)) continue;
            if (e.Type == WatchEventType.Delete)
            {
                yield return new ResourceEvent(ResourceEventType.Deleted, kind, keyNs, name, null, e.Revision);
                continue;
            }
            Resource? resource = null;
            string? error = null;
            try
            {
                resource = WithVersion(ResourceStorageCodec.FromJson(e.Value!), e.Revision);
            }
            catch (ResourceFormatException x)
            {
                error = x.Message;
            }
            yield return new ResourceEvent(ResourceEventType.Put, kind, keyNs, name, resource, e.Revision, error);
        }
    }

    private static string Encode(Resource resource) =>
        ResourceCodec.ToJson(resource with { Metadata = resource.Metadata with { ResourceVersion = null } });

    private static Resource Decode(KeyValue kv)
    {
        try
        {
            return WithVersion(ResourceStorageCodec.FromJson(kv.Value), kv.ModRevision);
        }
        catch (ResourceFormatException e)
        {
            throw new DatastoreException($"the value stored at {kv.Key} is not a valid resource: {e.Message}", e);
        }
    }

    private static Resource WithVersion(Resource resource, long revision) =>
        resource with { Metadata = resource.Metadata with { ResourceVersion = revision.ToString(CultureInfo.InvariantCulture) } };

    /// <summary>The resource as it will be stored: uid and creation time from the existing copy, or new ones.</summary>
    private Resource Stamp(Resource resource, StoredIdentity? existing) => resource with
    {
        Metadata = resource.Metadata with
        {
            ResourceVersion = null,
            Uid = existing?.Uid ?? resource.Metadata.Uid ?? Guid.NewGuid().ToString(),
            CreationTimestamp = existing?.CreationTimestamp ?? resource.Metadata.CreationTimestamp ?? TruncateToSeconds(_time.GetUtcNow()),
        },
    };

    /// <summary>The uid and creation time of a stored value, read without decoding the whole resource.</summary>
    private sealed record StoredIdentity(string? Uid, DateTimeOffset? CreationTimestamp)
    {
        public static StoredIdentity? Read(string json)
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                if (!doc.RootElement.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object) return null;
                var uid = metadata.TryGetProperty("uid", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                DateTimeOffset? created = metadata.TryGetProperty("creationTimestamp", out var c) && c.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
                return new StoredIdentity(uid, created);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static IEnumerable<ResourceError> IdentityErrors(Document doc)
    {
        var r = doc.Resource;
        if (string.IsNullOrEmpty(r.Name)) yield return doc.Error("metadata.name", "a name is required");
        else if (r.Name.Contains('/', StringComparison.Ordinal)) yield return doc.Error("metadata.name", "must not contain '/'");
        if (r.ResourceKind.Namespaced && string.IsNullOrEmpty(r.Namespace)) yield return doc.Error("metadata.namespace", $"{r.Kind} is namespaced: a namespace is required");
        if (r.ResourceKind.Namespaced && r.Namespace is { } ns && ns.Contains('/', StringComparison.Ordinal)) yield return doc.Error("metadata.namespace", "must not contain '/'");
        if (!r.ResourceKind.Namespaced && r.Namespace is not null) yield return doc.Error("metadata.namespace", $"{r.Kind} is not namespaced: remove the namespace");
    }

    private static void CheckIdentity(Resource resource)
    {
        var errors = IdentityErrors(new Document(resource, "-", 1)).ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Reason}")), nameof(resource));
    }

    private static long? ParseVersion(Resource resource) =>
        resource.Metadata.ResourceVersion is { } rv ? ParseVersion(rv, resource.Describe()) : null;

    private static long ParseVersion(string resourceVersion, string what) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ArgumentException($"{what}: resourceVersion '{resourceVersion}' is not a resource version of this datastore");

    private static ResourceNotFoundException NotFound(Resource r) => new(r.ResourceKind, r.Namespace, r.Name);

    private static ResourceConflictException Stale(Resource r, long current) =>
        new($"{r.Describe()} was changed by someone else (resourceVersion {r.Metadata.ResourceVersion}, now {current}); get it again and retry");
}
