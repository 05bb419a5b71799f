using Brindle.Api;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;
using Brindle.Datastore.Sqlite;
using Brindle.Testing;

namespace Brindle.Datastore.Resources.Tests;

public sealed class ResourceStoreTests
{
    private readonly InMemoryKeyValueStore _kv = new();
    private readonly SteppingTime _time = new();
    private readonly ResourceStore _store;

    public ResourceStoreTests() => _store = new ResourceStore(_kv, _time);

    private sealed class SteppingTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddMinutes(1);
    }

    private static IReadOnlyList<Document> Read(string yaml)
    {
        var result = ResourceCodec.Read(yaml, "test.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Documents;
    }

    private static Resource Pool(string name, string cidr) => Read($"""
        apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata:
          name: {name}
        spec:
          cidr: {cidr}
        """)[0].Resource;

    private static Resource Policy(string ns, string name, int order) => Read($"""
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          order: {order}
          selector: app == 'db'
        """)[0].Resource;

    [Fact]
    public async Task CreateAsync_New_StoresAtCalicoKeyWithResourceVersionAndUid()
    {
        var created = await _store.CreateAsync(Pool("p1", "10.1.0.0/16"));
        var raw = await _kv.GetAsync("/calico/resources/v3/projectcalico.org/ippools/p1");

        Assert.NotNull(raw);
        Assert.Equal(raw.ModRevision.ToString(), created.Metadata.ResourceVersion);
        Assert.DoesNotContain("resourceVersion", raw.Value);
        Assert.NotNull(created.Metadata.Uid);
        Assert.Equal(created, await _store.GetAsync(ResourceKinds.IPPool, null, "p1"));
    }

    [Fact]
    public async Task CreateAsync_Existing_ThrowsConflict()
    {
        await _store.CreateAsync(Pool("p1", "10.1.0.0/16"));

        var e = await Assert.ThrowsAsync<ResourceConflictException>(() => _store.CreateAsync(Pool("p1", "10.2.0.0/16")));

        Assert.Equal("IPPool 'p1' already exists", e.Message);
    }

    [Fact]
    public async Task UpdateAsync_StaleResourceVersion_ThrowsConflict_CurrentSucceedsAndKeepsUid()
    {
        var created = await _store.CreateAsync(Pool("p1", "10.1.0.0/16"));
        var changed = Pool("p1", "10.3.0.0/16") with { Metadata = created.Metadata };
        var updated = await _store.UpdateAsync(changed);

        await Assert.ThrowsAsync<ResourceConflictException>(() => _store.UpdateAsync(changed));
        Assert.Equal(created.Metadata.Uid, updated.Metadata.Uid);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 5, 5, TimeSpan.Zero), created.Metadata.CreationTimestamp);
        Assert.Equal(created.Metadata.CreationTimestamp, updated.Metadata.CreationTimestamp);
        Assert.NotEqual(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
        Assert.Equal("10.3.0.0/16", ((IPPool)(await _store.GetAsync(ResourceKinds.IPPool, null, "p1"))!).Spec.Cidr.ToString());
    }

    [Fact]
    public async Task UpdateAsync_Absent_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<ResourceNotFoundException>(() => _store.UpdateAsync(Pool("nope", "10.1.0.0/16")));

        Assert.Equal("IPPool 'nope' does not exist", e.Message);
    }

    [Fact]
    public async Task ListAsync_Namespaced_FiltersByNamespaceAndReturnsRevision()
    {
        await _store.CreateAsync(Policy("a", "p1", 1));
        await _store.CreateAsync(Policy("b", "p2", 2));
        var last = await _store.CreateAsync(Policy("a", "p3", 3));

        var inA = await _store.ListAsync(ResourceKinds.NetworkPolicy, "a");
        var all = await _store.ListAsync(ResourceKinds.NetworkPolicy);

        Assert.Equal(["a/p1", "a/p3"], inA.Items.Select(r => r.QualifiedName));
        Assert.Equal(["a/p1", "a/p3", "b/p2"], all.Items.Select(r => r.QualifiedName));
        Assert.Equal(last.Metadata.ResourceVersion, all.Revision.ToString());
    }

    [Fact]
    public async Task DeleteAsync_ReturnsDeleted_SecondTimeNotFound()
    {
        var created = await _store.CreateAsync(Policy("a", "p1", 1));

        var deleted = await _store.DeleteAsync(ResourceKinds.NetworkPolicy, "a", "p1", created.Metadata.ResourceVersion);

        Assert.Equal(created, deleted);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _store.DeleteAsync(ResourceKinds.NetworkPolicy, "a", "p1"));
    }

    [Fact]
    public async Task ApplyAllAsync_AllValid_WritesEverythingAtOneRevision()
    {
        await _store.CreateAsync(Pool("p1", "10.1.0.0/16"));
        var docs = Read("""
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata: {name: p1}
            spec: {cidr: 10.9.0.0/16}
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: np, namespace: default}
            spec: {selector: all()}
            """);

        var result = await _store.ApplyAllAsync(docs);

        Assert.True(result.Succeeded);
        Assert.All(result.Applied, r => Assert.Equal(result.Revision.ToString(), r.Metadata.ResourceVersion));
        Assert.Equal("10.9.0.0/16", ((IPPool)(await _store.GetAsync(ResourceKinds.IPPool, null, "p1"))!).Spec.Cidr.ToString());
    }

    [Fact]
    public async Task ApplyAllAsync_OneInvalid_WritesNothingAndReportsEveryProblem()
    {
        var before = await _kv.ListAsync("/");
        var docs = Read("""
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata: {name: good}
            spec: {cidr: 10.1.0.0/16}
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: nons}
            spec: {selector: all()}
            ---
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata: {name: good}
            spec: {cidr: 10.2.0.0/16}
            """);

        var result = await _store.ApplyAllAsync(docs, d => d.Resource.Name == "good" && d.Index == 1 ? [d.Error("spec.cidr", "overlaps")] : []);

        Assert.False(result.Succeeded);
        Assert.Equal(
            ["test.yaml: document 1 (IPPool 'good'): spec.cidr: overlaps",
             "test.yaml: document 2 (NetworkPolicy '/nons'): metadata.namespace: NetworkPolicy is namespaced: a namespace is required",
             "test.yaml: document 3 (IPPool 'good'): the same resource is also document 1 of test.yaml"],
            result.Errors.Select(e => e.ToString()));
        var after = await _kv.ListAsync("/");
        Assert.Equal(before.Revision, after.Revision);
        Assert.Empty(after.Items);
    }

    [Fact]
    public async Task ApplyAllAsync_StaleResourceVersion_WritesNothing()
    {
        var created = await _store.CreateAsync(Pool("p1", "10.1.0.0/16"));
        await _store.UpdateAsync(Pool("p1", "10.2.0.0/16"));
        var stale = Pool("p1", "10.3.0.0/16") with { Metadata = created.Metadata };

        var result = await _store.ApplyAllAsync([new Document(stale, "x.yaml", 1), new Document(Pool("p2", "10.4.0.0/16"), "x.yaml", 2)]);

        Assert.False(result.Succeeded);
        Assert.Contains("is stale", Assert.Single(result.Errors).Reason);
        Assert.Null(await _store.GetAsync(ResourceKinds.IPPool, null, "p2"));
    }

    [Fact]
    public async Task WatchAsync_TypedEvents_PutAndDeleteInOrder()
    {
        var start = await _kv.ListAsync("/");
        var created = await _store.CreateAsync(Policy("a", "p1", 1));
        await _store.CreateAsync(Pool("other-kind", "10.1.0.0/16"));
        await _store.DeleteAsync(ResourceKinds.NetworkPolicy, "a", "p1");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<ResourceEvent>();

        await foreach (var e in _store.WatchAsync(ResourceKinds.NetworkPolicy, null, start.Revision + 1, cts.Token))
        {
            events.Add(e);
            if (events.Count == 2) break;
        }

        Assert.Equal((ResourceEventType.Put, "a", "p1"), (events[0].Type, events[0].Namespace, events[0].Name));
        Assert.Equal(created, events[0].Resource);
        Assert.Equal((ResourceEventType.Deleted, (Resource?)null), (events[1].Type, events[1].Resource));
    }

    [Fact]
    public async Task ApplyAllAsync_OnSqlite_ConcurrentAppliersBothLandWithoutLoss()
    {
        using var dir = new TempDirectory("brindle-rs");
        await using var kv = SqliteKeyValueStore.Open(dir.Combine("r.db"));
        var store = new ResourceStore(kv);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            store.ApplyAllAsync([.. Enumerable.Range(0, 20).Select(j => new Document(Policy("ns", $"p{j}", i), "-", j + 1))]))));

        var list = await store.ListAsync(ResourceKinds.NetworkPolicy, "ns");
        Assert.Equal(20, list.Items.Count);
        // All-or-nothing: every policy carries the order of the same (last) applier.
        Assert.Single(list.Items.Select(r => ((NetworkPolicy)r).Spec.Order).Distinct());
    }
}
