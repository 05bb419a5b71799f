using Brindle.Datastore.Kv;
using CsCheck;

namespace Brindle.Datastore.Kv.Tests;

/// <summary>
/// The conformance suite every <see cref="IKeyValueStore"/> backend must pass (InMemory, SQLite, etcd).
/// Each test works under its own key prefix, so a backend may share one server between the tests of a class;
/// revisions are only compared relative to each other.
/// </summary>
public abstract class KeyValueStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ExpiryWait = TimeSpan.FromSeconds(12);
    private IKeyValueStore? _store;

    protected string Prefix { get; } = $"/bt/{Guid.NewGuid():N}/";

    protected IKeyValueStore Store => _store ?? throw new InvalidOperationException("not initialised");

    /// <summary>A store (the same data every time it is called within one test) for the backend under test.</summary>
    protected abstract Task<IKeyValueStore> OpenStoreAsync();

    public virtual async Task InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private string K(string name) => Prefix + name;

    [Fact]
    public async Task GetAsync_AbsentKey_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(K("missing")));
    }

    [Fact]
    public async Task CreateAsync_NewKey_StoresValueWithRevisions()
    {
        var before = (await Store.ListAsync(Prefix)).Revision;
        var created = await Store.CreateAsync(K("a"), "one");
        var got = await Store.GetAsync(K("a"));

        Assert.True(created.Succeeded);
        Assert.Equal(before + 1, created.Revision);
        Assert.Equal(new KeyValue(K("a"), "one", before + 1, before + 1), got);
        Assert.Equal(got, created.Current);
    }

    [Fact]
    public async Task CreateAsync_ExistingKey_FailsAndReturnsCurrent()
    {
        var first = await Store.CreateAsync(K("a"), "one");
        var second = await Store.CreateAsync(K("a"), "two");

        Assert.False(second.Succeeded);
        Assert.Equal("one", second.Current!.Value);
        Assert.Equal(first.Revision, second.Revision);
        Assert.Equal("one", (await Store.GetAsync(K("a")))!.Value);
    }

    [Fact]
    public async Task UpdateAsync_MatchingRevision_ReplacesAndKeepsCreateRevision()
    {
        var created = await Store.CreateAsync(K("a"), "one");
        var updated = await Store.UpdateAsync(K("a"), "two", created.Current!.ModRevision);

        Assert.True(updated.Succeeded);
        Assert.Equal(created.Revision + 1, updated.Current!.ModRevision);
        Assert.Equal(created.Revision, updated.Current.CreateRevision);
        Assert.Equal("two", (await Store.GetAsync(K("a")))!.Value);
    }

    [Fact]
    public async Task UpdateAsync_StaleRevision_FailsAndChangesNothing()
    {
        var created = await Store.CreateAsync(K("a"), "one");
        await Store.UpdateAsync(K("a"), "two", created.Current!.ModRevision);
        var stale = await Store.UpdateAsync(K("a"), "three", created.Current.ModRevision);

        Assert.False(stale.Succeeded);
        Assert.Equal("two", stale.Current!.Value);
        Assert.Equal("two", (await Store.GetAsync(K("a")))!.Value);
    }

    [Fact]
    public async Task UpdateAsync_AbsentKey_FailsWithNullCurrent()
    {
        var result = await Store.UpdateAsync(K("a"), "x", 5);

        Assert.False(result.Succeeded);
        Assert.Null(result.Current);
        Assert.Null(await Store.GetAsync(K("a")));
    }

    [Fact]
    public async Task PutAsync_AnyState_WritesAndRaisesRevisionByOne()
    {
        var first = await Store.PutAsync(K("a"), "one");
        var second = await Store.PutAsync(K("a"), "two");

        Assert.True(first.Succeeded && second.Succeeded);
        Assert.Equal(first.Revision + 1, second.Revision);
        Assert.Equal(new KeyValue(K("a"), "two", first.Revision, second.Revision), await Store.GetAsync(K("a")));
    }

    [Fact]
    public async Task DeleteAsync_StaleRevision_FailsAndKeepsKey()
    {
        var created = await Store.CreateAsync(K("a"), "one");
        var updated = await Store.UpdateAsync(K("a"), "two", created.Revision);
        var stale = await Store.DeleteAsync(K("a"), created.Revision);

        Assert.False(stale.Succeeded);
        Assert.Equal(updated.Current, stale.Current);
        Assert.NotNull(await Store.GetAsync(K("a")));
    }

    [Fact]
    public async Task DeleteAsync_MatchingOrAnyRevision_RemovesKey()
    {
        var a = await Store.CreateAsync(K("a"), "one");
        await Store.CreateAsync(K("b"), "one");
        var deletedA = await Store.DeleteAsync(K("a"), a.Revision);
        var deletedB = await Store.DeleteAsync(K("b"));

        Assert.True(deletedA.Succeeded && deletedB.Succeeded);
        Assert.Null(deletedA.Current);
        Assert.Equal(deletedA.Revision + 1, deletedB.Revision);
        Assert.Empty((await Store.ListAsync(Prefix)).Items);
    }

    [Fact]
    public async Task DeleteAsync_AbsentKey_Fails()
    {
        var result = await Store.DeleteAsync(K("a"));

        Assert.False(result.Succeeded);
        Assert.Null(result.Current);
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsOnlyMatchingKeysInOrderAtCurrentRevision()
    {
        await Store.PutAsync(K("p/b"), "2");
        await Store.PutAsync(K("p/a"), "1");
        await Store.PutAsync(K("p/c/d"), "3");
        await Store.PutAsync(K("pa"), "not under p/");
        var last = await Store.PutAsync(K("o"), "not under p/");

        var list = await Store.ListAsync(K("p/"));

        Assert.Equal([K("p/a"), K("p/b"), K("p/c/d")], list.Items.Select(i => i.Key));
        Assert.Equal(["1", "2", "3"], list.Items.Select(i => i.Value));
        Assert.Equal(last.Revision, list.Revision);
    }

    [Fact]
    public async Task TransactAsync_ConditionsHold_AppliesAllAtOneRevision()
    {
        var a = await Store.CreateAsync(K("a"), "1");
        await Store.CreateAsync(K("gone"), "x");

        var result = await Store.TransactAsync(
            [new KvCondition(K("a"), a.Revision), new KvCondition(K("b"), 0)],
            [KvOperation.Put(K("a"), "2"), KvOperation.Put(K("b"), "3"), KvOperation.Delete(K("gone")), KvOperation.Delete(K("never"))]);

        Assert.True(result.Succeeded);
        var list = await Store.ListAsync(Prefix);
        Assert.Equal([(K("a"), "2", result.Revision), (K("b"), "3", result.Revision)], list.Items.Select(i => (i.Key, i.Value, i.ModRevision)));
        Assert.Equal(result.Revision, list.Revision);
    }

    [Fact]
    public async Task TransactAsync_OneConditionFails_AppliesNothing()
    {
        var a = await Store.CreateAsync(K("a"), "1");
        await Store.CreateAsync(K("b"), "exists");

        var result = await Store.TransactAsync(
            [new KvCondition(K("a"), a.Revision), new KvCondition(K("b"), 0)],
            [KvOperation.Put(K("a"), "2"), KvOperation.Put(K("c"), "3")]);

        Assert.False(result.Succeeded);
        Assert.Equal(a.Revision + 1, result.Revision);
        Assert.Equal(["1", "exists"], (await Store.ListAsync(Prefix)).Items.Select(i => i.Value));
    }

    [Fact]
    public async Task TransactAsync_SameKeyTwice_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.TransactAsync([], [KvOperation.Put(K("a"), "1"), KvOperation.Delete(K("a"))]));
        Assert.Null(await Store.GetAsync(K("a")));
    }

    [Fact]
    public async Task ConcurrentCasIncrements_NoUpdateLost()
    {
        const int workers = 4, perWorker = 25;
        await Store.CreateAsync(K("counter"), "0");

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                while (true)
                {
                    var current = (await Store.GetAsync(K("counter")))!;
                    var next = (int.Parse(current.Value) + 1).ToString();
                    if ((await Store.UpdateAsync(K("counter"), next, current.ModRevision)).Succeeded) break;
                }
            }
        })));

        Assert.Equal((workers * perWorker).ToString(), (await Store.GetAsync(K("counter")))!.Value);
    }

    [Fact]
    public async Task WatchAsync_FromListRevision_DeliversEveryLaterChangeInOrder()
    {
        await Store.PutAsync(K("before"), "old");
        var list = await Store.ListAsync(Prefix);
        // Changes between the list and the watch must not be lost.
        var between1 = await Store.PutAsync(K("x"), "1");
        var between2 = await Store.DeleteAsync(K("before"));
        await using var watch = new WatchCollector(Store, Prefix, list.Revision + 1);
        var expected = new List<WatchEvent>
        {
            new(WatchEventType.Put, K("x"), "1", between1.Revision),
            new(WatchEventType.Delete, K("before"), null, between2.Revision),
        };
        for (var i = 0; i < 20; i++)
        {
            var w = await Store.PutAsync(K($"k{i % 3}"), i.ToString());
            expected.Add(new WatchEvent(WatchEventType.Put, K($"k{i % 3}"), i.ToString(), w.Revision));
        }
        await Store.PutAsync("/elsewhere/" + Guid.NewGuid(), "not under prefix");
        var last = await Store.PutAsync(K("last"), "end");
        expected.Add(new WatchEvent(WatchEventType.Put, K("last"), "end", last.Revision));

        var events = await watch.WaitForAsync(expected.Count);
        await Task.Delay(100);

        Assert.Equal(expected, watch.Events);
    }

    [Fact]
    public async Task WatchAsync_Transaction_DeliversItsEventsWithOneRevisionInOperationOrder()
    {
        var start = await Store.PutAsync(K("gone"), "x");
        await using var watch = new WatchCollector(Store, Prefix, start.Revision + 1);
        var txn = await Store.TransactAsync([], [KvOperation.Put(K("b"), "1"), KvOperation.Delete(K("gone")), KvOperation.Put(K("a"), "2")]);

        var events = await watch.WaitForAsync(3);

        Assert.Equal(
            [new WatchEvent(WatchEventType.Put, K("b"), "1", txn.Revision), new WatchEvent(WatchEventType.Delete, K("gone"), null, txn.Revision), new WatchEvent(WatchEventType.Put, K("a"), "2", txn.Revision)],
            events);
    }

    [Fact]
    public async Task WatchAsync_FromNow_DeliversOnlyLaterChanges()
    {
        var old = await Store.PutAsync(K("old"), "history");
        await using var watch = new WatchCollector(Store, Prefix, 0);
        // The watch is established asynchronously: write probes until one arrives.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (watch.Events.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Store.PutAsync(K("probe"), "p");
            await Task.Delay(50);
        }
        var events = await watch.WaitForAsync(1);

        Assert.All(events, e => Assert.Equal(K("probe"), e.Key));
        Assert.All(events, e => Assert.True(e.Revision > old.Revision));
    }

    [Fact]
    public async Task WatchAsync_FromCompactedRevision_ThrowsWatchCompacted()
    {
        var first = await Store.PutAsync(K("a"), "1");
        await Store.PutAsync(K("a"), "2");
        var third = await Store.PutAsync(K("a"), "3");
        await Store.CompactAsync(third.Revision);

        await using var old = new WatchCollector(Store, Prefix, first.Revision);
        var failure = await old.FailureAsync();
        await using var atCompaction = new WatchCollector(Store, Prefix, third.Revision);
        var kept = await atCompaction.WaitForAsync(1);

        var compacted = Assert.IsType<WatchCompactedException>(failure);
        Assert.Equal(first.Revision, compacted.Requested);
        Assert.Equal(new WatchEvent(WatchEventType.Put, K("a"), "3", third.Revision), kept[0]);
    }

    [Fact]
    public async Task Lease_Expired_KeyDisappears()
    {
        var lease = await Store.GrantLeaseAsync(LeaseTtl);
        var put = await Store.PutAsync(K("alive"), "yes", lease);
        await using var watch = new WatchCollector(Store, Prefix, put.Revision + 1);

        Assert.Equal(lease, (await Store.GetAsync(K("alive")))!.LeaseId);
        await WaitUntilAbsentAsync(K("alive"));
        var events = await watch.WaitForAsync(1);

        Assert.Equal((WatchEventType.Delete, K("alive")), (events[0].Type, events[0].Key));
        Assert.False(await Store.KeepAliveAsync(lease));
    }

    [Fact]
    public async Task Lease_KeptAlive_KeyOutlivesTtl()
    {
        var lease = await Store.GrantLeaseAsync(LeaseTtl);
        await Store.PutAsync(K("alive"), "yes", lease);

        var until = DateTime.UtcNow + LeaseTtl * 2.5;
        while (DateTime.UtcNow < until)
        {
            Assert.True(await Store.KeepAliveAsync(lease));
            await Task.Delay(LeaseTtl / 4);
        }

        Assert.NotNull(await Store.GetAsync(K("alive")));
    }

    [Fact]
    public async Task Lease_Revoked_DeletesKeysAndWatchSeesDelete()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(60));
        await Store.PutAsync(K("a"), "1", lease);
        await Store.PutAsync(K("b"), "2", lease);
        var put = await Store.PutAsync(K("c"), "no lease");
        await using var watch = new WatchCollector(Store, Prefix, put.Revision + 1);

        await Store.RevokeLeaseAsync(lease);
        var events = await watch.WaitForAsync(2);

        Assert.Equal([K("c")], (await Store.ListAsync(Prefix)).Items.Select(i => i.Key));
        Assert.Equal([(WatchEventType.Delete, K("a")), (WatchEventType.Delete, K("b"))], events.Select(e => (e.Type, e.Key)).Order());
        Assert.False(await Store.KeepAliveAsync(lease));
    }

    [Fact]
    public async Task PutAsync_UnknownLease_ThrowsLeaseNotFound()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(60));
        await Store.RevokeLeaseAsync(lease);

        await Assert.ThrowsAsync<LeaseNotFoundException>(() => Store.PutAsync(K("a"), "1", lease));
        Assert.Null(await Store.GetAsync(K("a")));
    }

    /// <summary>Random CAS sequences: each outcome matches a plain dictionary model, the final list equals the model,
    /// and replaying the watch from the start rebuilds the same state.</summary>
    [Fact]
    public async Task RandomOperations_AgreeWithModel_AndWatchReplayRebuildsState()
    {
        var gen = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 3], Gen.Bool).Array[1, 25];
        var sample = 0;
        await gen.SampleAsync(async ops =>
        {
            var prefix = K($"prop{Interlocked.Increment(ref sample)}/");
            var start = (await Store.ListAsync(prefix)).Revision + 1;
            var model = new Dictionary<string, (string Value, long Rev)>(StringComparer.Ordinal);
            var i = 0;
            foreach (var (kind, keyIndex, fresh) in ops)
            {
                var key = $"{prefix}{(char)('a' + keyIndex)}";
                var value = $"v{i++}";
                var present = model.TryGetValue(key, out var cur);
                var expectedRev = fresh && present ? cur.Rev : 1;
                var (ok, expectOk) = kind switch
                {
                    0 => ((await Store.CreateAsync(key, value)).Succeeded, !present),
                    1 => ((await Store.UpdateAsync(key, value, expectedRev)).Succeeded, present && fresh),
                    2 => ((await Store.DeleteAsync(key, fresh ? 0 : 1)).Succeeded, present && fresh),
                    3 => ((await Store.PutAsync(key, value)).Succeeded, true),
                    _ => ((await Store.TransactAsync([new KvCondition(key, present ? cur.Rev : 0)], [KvOperation.Put(key, value)])).Succeeded, true),
                };
                if (ok != expectOk) return false;
                if (!ok) continue;
                if (kind == 2) model.Remove(key);
                else model[key] = (value, (await Store.GetAsync(key))!.ModRevision);
            }
            var list = await Store.ListAsync(prefix);
            if (!list.Items.Select(kv => (kv.Key, kv.Value)).SequenceEqual(model.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value.Value)))) return false;

            var replay = new Dictionary<string, string>(StringComparer.Ordinal);
            if (list.Revision >= start)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await foreach (var e in Store.WatchAsync(prefix, start, cts.Token))
                {
                    if (e.Type == WatchEventType.Put) replay[e.Key] = e.Value!;
                    else replay.Remove(e.Key);
                    if (e.Revision >= list.Revision) break;
                }
            }
            return replay.OrderBy(r => r.Key, StringComparer.Ordinal).SequenceEqual(model.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => KeyValuePair.Create(m.Key, m.Value.Value)));
        }, iter: 40, threads: 1);
    }

    private async Task WaitUntilAbsentAsync(string key)
    {
        var deadline = DateTime.UtcNow + ExpiryWait;
        while (await Store.GetAsync(key) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{key} still present {ExpiryWait} after its lease should have expired");
            await Task.Delay(100);
        }
    }
}

public sealed class InMemoryKeyValueStoreContractTests : KeyValueStoreContractTests
{
    protected override Task<IKeyValueStore> OpenStoreAsync() => Task.FromResult<IKeyValueStore>(new InMemoryKeyValueStore());
}
