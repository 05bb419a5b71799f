using Brindle.Api;
using Brindle.Calculation;
using Brindle.Datastore.Kv;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Agent.Syncer.Tests;

public sealed class DatastoreSyncerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static WorkloadEndpoint Wep(string name, string ip) => new()
    {
        Metadata = new() { Name = name, Namespace = "prod" },
        Spec = new() { Node = "node1", Orchestrator = "k8s", Pod = name, Endpoint = "eth0", InterfaceName = "cali" + name, IPNetworks = [Cidr.Parse(ip + "/32")] },
    };

    private sealed class Recorder
    {
        private readonly object _gate = new();
        private readonly List<ResourceUpdate> _updates = [];

        public List<int> BatchSizes { get; } = [];

        public int InSyncCalls { get; private set; }

        public int UpdatesBeforeInSync { get; private set; } = -1;

        public void OnUpdates(IReadOnlyList<ResourceUpdate> updates)
        {
            lock (_gate)
            {
                _updates.AddRange(updates);
                BatchSizes.Add(updates.Count);
            }
        }

        public void OnInSync()
        {
            lock (_gate)
            {
                InSyncCalls++;
                UpdatesBeforeInSync = _updates.Count;
            }
        }

        public List<ResourceUpdate> Updates
        {
            get
            {
                lock (_gate) return [.. _updates];
            }
        }

        public async Task WaitFor(Func<List<ResourceUpdate>, bool> condition)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (!condition(Updates))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("syncer did not deliver the expected updates; got: " + string.Join(", ", Updates.Select(u => $"{u.Key}={(u.Value is null ? "null" : "value")}")));
                await Task.Delay(10);
            }
        }
    }

    private static (DatastoreSyncer Syncer, Recorder Recorder) Create(IKeyValueStore store, Func<Resource, IReadOnlyList<string>>? validate = null)
    {
        var recorder = new Recorder();
        return (new DatastoreSyncer(store, recorder.OnUpdates, recorder.OnInSync, NullLogger<DatastoreSyncer>.Instance, validate: validate), recorder);
    }

    [Fact]
    public async Task RunAsync_ListsThenSendsInSyncThenWatches()
    {
        await using var store = new InMemoryKeyValueStore();
        var a = Wep("a", "10.0.0.1");
        await store.PutAsync(a.Key, ResourceCodec.ToJson(a));
        await store.PutAsync("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26", "{}");   // not under the prefix
        await store.PutAsync("/calico/resources/v3/projectcalico.org/unknownkinds/x", "{}");   // not a resource key
        var (syncer, recorder) = Create(store);
        using var cts = new CancellationTokenSource();
        var run = syncer.RunAsync(cts.Token);

        await recorder.WaitFor(u => u.Count == 1);
        Assert.Equal(1, recorder.InSyncCalls);
        Assert.Equal(1, recorder.UpdatesBeforeInSync);
        Assert.Equal(a, recorder.Updates[0].Value);

        var b = Wep("b", "10.0.0.2");
        await store.PutAsync(b.Key, ResourceCodec.ToJson(b));
        await store.DeleteAsync(a.Key);
        await recorder.WaitFor(u => u.Count == 3);
        Assert.Equal(new ResourceUpdate(b.Key, b), recorder.Updates[1]);
        Assert.Equal(new ResourceUpdate(a.Key, null), recorder.Updates[2]);

        cts.Cancel();
        await run;
        Assert.Equal(1, recorder.InSyncCalls);
    }

    [Fact]
    public async Task RunAsync_InvalidValues_BecomeNullUpdates()
    {
        await using var store = new InMemoryKeyValueStore();
        var good = Wep("good", "10.0.0.1");
        var misplaced = Wep("elsewhere", "10.0.0.2");
        var rejected = Wep("rejected", "10.0.0.3");
        await store.PutAsync(good.Key, ResourceCodec.ToJson(good));
        await store.PutAsync(Wep("broken", "10.0.0.9").Key, "{not json");
        await store.PutAsync(Wep("misplaced", "10.0.0.9").Key, ResourceCodec.ToJson(misplaced));
        await store.PutAsync(rejected.Key, ResourceCodec.ToJson(rejected));
        var (syncer, recorder) = Create(store, r => r.Name == "rejected" ? ["spec.node: rejected by the test validator"] : []);
        using var cts = new CancellationTokenSource();
        var run = syncer.RunAsync(cts.Token);

        await recorder.WaitFor(u => u.Count == 4);
        var byKey = recorder.Updates.ToDictionary(u => u.Key, u => u.Value);
        Assert.Equal(good, byKey[good.Key]);
        Assert.Null(byKey[Wep("broken", "10.0.0.9").Key]);
        Assert.Null(byKey[Wep("misplaced", "10.0.0.9").Key]);
        Assert.Null(byKey[rejected.Key]);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task RunAsync_DefaultValidator_RejectsInvalidResources()
    {
        await using var store = new InMemoryKeyValueStore();
        var good = new IPPool { Metadata = new() { Name = "good" }, Spec = new() { Cidr = Cidr.Parse("10.0.0.0/16") } };
        var bad = new IPPool { Metadata = new() { Name = "bad" }, Spec = new() { Cidr = Cidr.Parse("10.1.0.0/16"), BlockSize = 99 } };
        await store.PutAsync(good.Key, ResourceCodec.ToJson(good));
        await store.PutAsync(bad.Key, ResourceCodec.ToJson(bad));
        var (syncer, recorder) = Create(store);
        using var cts = new CancellationTokenSource();
        var run = syncer.RunAsync(cts.Token);

        await recorder.WaitFor(u => u.Count == 2);
        Assert.Equal(good, recorder.Updates.Single(u => u.Key == good.Key).Value);
        Assert.Null(recorder.Updates.Single(u => u.Key == bad.Key).Value);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task RunAsync_WatchCompacted_RelistsAndDeletesVanishedKeys()
    {
        await using var inner = new InMemoryKeyValueStore();
        var store = new CompactingStore(inner);
        var a = Wep("a", "10.0.0.1");
        var b = Wep("b", "10.0.0.2");
        await inner.PutAsync(a.Key, ResourceCodec.ToJson(a));
        await inner.PutAsync(b.Key, ResourceCodec.ToJson(b));
        // Between the first list and its watch, a is deleted, c created, and the history compacted past them.
        var c = Wep("c", "10.0.0.3");
        store.AfterFirstList = async () =>
        {
            await inner.DeleteAsync(a.Key);
            await inner.PutAsync(c.Key, ResourceCodec.ToJson(c));
            await inner.CompactAsync((await inner.ListAsync("/")).Revision);
        };
        var (syncer, recorder) = Create(store);
        using var cts = new CancellationTokenSource();
        var run = syncer.RunAsync(cts.Token);

        await recorder.WaitFor(u => u.Any(x => x.Key == c.Key));
        Assert.Equal(2, syncer.ListCount);
        Assert.Equal(1, recorder.InSyncCalls);
        var relist = recorder.Updates.Skip(2).ToList();
        Assert.Contains(new ResourceUpdate(a.Key, null), relist);
        Assert.Contains(new ResourceUpdate(b.Key, b), relist);
        Assert.Contains(new ResourceUpdate(c.Key, c), relist);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task RunAsync_FeedsACalculationGraph()
    {
        await using var store = new InMemoryKeyValueStore();
        var ns = new KubernetesNamespace { Metadata = new() { Name = "prod" } };
        var a = Wep("a", "10.0.0.1");
        await store.PutAsync(ns.Key, ResourceCodec.ToJson(ns));
        await store.PutAsync(a.Key, ResourceCodec.ToJson(a));
        var messages = new List<Calculation.Messages.DataplaneMessage>();
        var graph = new CalculationGraph("node1", m =>
        {
            lock (messages) messages.Add(m);
        });
        var syncer = new DatastoreSyncer(store, graph, NullLogger<DatastoreSyncer>.Instance);
        using var cts = new CancellationTokenSource();
        var run = syncer.RunAsync(cts.Token);
        var deadline = DateTime.UtcNow + Wait;
        while (!graph.IsInSync && DateTime.UtcNow < deadline) await Task.Delay(10);
        cts.Cancel();
        await run;
        lock (messages)
        {
            Assert.IsType<Calculation.Messages.InSync>(messages[^1]);
            Assert.Contains(messages, m => m is Calculation.Messages.WorkloadEndpointUpdate w && w.InterfaceName == "calia");
        }
    }

    /// <summary>The in-memory store with a hook that runs right after the first list (to change and compact the store behind the syncer's back).</summary>
    private sealed class CompactingStore(InMemoryKeyValueStore inner) : IKeyValueStore
    {
        public Func<Task>? AfterFirstList { get; set; }

        public string Description => inner.Description;

        public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default) => inner.WatchAsync(prefix, fromRevision, cancellationToken);

        public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public async Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default)
        {
            var result = await inner.ListAsync(prefix, cancellationToken);
            if (AfterFirstList is { } hook)
            {
                AfterFirstList = null;
                await hook();
            }
            return result;
        }

        public Task<WriteResult> CreateAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) => inner.CreateAsync(key, value, leaseId, cancellationToken);

        public Task<WriteResult> UpdateAsync(string key, string value, long expectedModRevision, long leaseId = 0, CancellationToken cancellationToken = default) => inner.UpdateAsync(key, value, expectedModRevision, leaseId, cancellationToken);

        public Task<WriteResult> PutAsync(string key, string value, long leaseId = 0, CancellationToken cancellationToken = default) => inner.PutAsync(key, value, leaseId, cancellationToken);

        public Task<WriteResult> DeleteAsync(string key, long expectedModRevision = 0, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, expectedModRevision, cancellationToken);

        public Task<TransactionResult> TransactAsync(IReadOnlyList<KvCondition> conditions, IReadOnlyList<KvOperation> operations, CancellationToken cancellationToken = default) => inner.TransactAsync(conditions, operations, cancellationToken);

        public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GrantLeaseAsync(ttl, cancellationToken);

        public Task<bool> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) => inner.KeepAliveAsync(leaseId, cancellationToken);

        public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) => inner.RevokeLeaseAsync(leaseId, cancellationToken);

        public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => inner.CompactAsync(revision, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
