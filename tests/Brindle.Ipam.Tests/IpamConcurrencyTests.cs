using System.Collections.Concurrent;
using Brindle.Datastore.Etcd;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Sqlite;
using Brindle.Testing;

namespace Brindle.Ipam.Tests;

public sealed class IpamConcurrencyTests
{
    [Fact]
    public async Task ConcurrentAllocators_InMemory_NeverHandOutAnAddressTwice()
    {
        var store = new InMemoryKeyValueStore();

        var result = await IpamConcurrencyScenario.RunAsync(() => new SharedKeyValueStore(store));

        Assert.Equal(2000, result.Addresses);
    }

    [Fact]
    public async Task ConcurrentAllocators_SqliteConnectionPerAllocator_NeverHandOutAnAddressTwice()
    {
        using var dir = new TempDirectory("brindle-ipam");

        var result = await IpamConcurrencyScenario.RunAsync(() => SqliteKeyValueStore.Open(dir.Combine("store.db")));

        Assert.Equal(2000, result.Addresses);
    }

    [Fact]
    public async Task ConcurrentAllocators_EtcdClientPerAllocator_NeverHandOutAnAddressTwice()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var clients = new ConcurrentQueue<IKeyValueStore>();
        for (var i = 0; i < 8; i++) clients.Enqueue(await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [etcd.Endpoint] }));

        var result = await IpamConcurrencyScenario.RunAsync(() => clients.TryDequeue(out var c) ? c : throw new InvalidOperationException("more allocators than clients"));

        Assert.Equal(2000, result.Addresses);
    }
}
