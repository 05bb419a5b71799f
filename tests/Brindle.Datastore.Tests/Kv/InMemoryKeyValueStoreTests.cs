using Brindle.Datastore.Kv;

namespace Brindle.Datastore.Kv.Tests;

public sealed class InMemoryKeyValueStoreTests
{
    [Fact]
    public async Task UpdateAsync_WithStaleRevision_FailsAndReturnsCurrent()
    {
        await using var store = new InMemoryKeyValueStore();
        var created = await store.CreateAsync("/k", "a");
        var updated = await store.UpdateAsync("/k", "b", created.Current!.ModRevision);
        var stale = await store.UpdateAsync("/k", "c", created.Current.ModRevision);

        Assert.True(updated.Succeeded);
        Assert.False(stale.Succeeded);
        Assert.Equal("b", stale.Current!.Value);
    }
}
