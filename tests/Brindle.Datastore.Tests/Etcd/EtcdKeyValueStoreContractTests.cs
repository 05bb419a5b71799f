using Brindle.Datastore.Etcd;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Kv.Tests;
using Brindle.Testing;

namespace Brindle.Datastore.Etcd.Tests;

/// <summary>One real etcd per test class (each test uses its own key prefix).</summary>
public sealed class EtcdServerFixture : IAsyncLifetime
{
    public EtcdServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await EtcdServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class EtcdKeyValueStoreContractTests(EtcdServerFixture etcd) : KeyValueStoreContractTests, IClassFixture<EtcdServerFixture>
{
    protected override async Task<IKeyValueStore> OpenStoreAsync() =>
        await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [etcd.Server.Endpoint] });
}
