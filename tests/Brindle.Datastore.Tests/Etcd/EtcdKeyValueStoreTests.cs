using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Brindle.Datastore.Etcd;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Kv.Tests;
using Brindle.Testing;

namespace Brindle.Datastore.Etcd.Tests;

/// <summary>etcd-specific behaviour beyond the shared contract: errors, limits, TLS, restarts.</summary>
public sealed class EtcdKeyValueStoreTests
{
    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsPlainConnectionRefused()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var e = await Assert.ThrowsAsync<DatastoreException>(() =>
            EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [$"http://127.0.0.1:{port}"] }));

        Assert.Equal($"cannot reach etcd at http://127.0.0.1:{port}: connection refused", e.Message);
    }

    [Fact]
    public async Task TransactAsync_MoreOpsThanServerAllows_ThrowsTooLargeAndWritesNothing()
    {
        await using var etcd = await EtcdServer.StartAsync(new EtcdServerOptions { MaxTxnOps = 16 });
        await using var store = await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [etcd.Endpoint] });
        var ops = Enumerable.Range(0, 17).Select(i => KvOperation.Put($"/big/{i}", "x")).ToList();

        var e = await Assert.ThrowsAsync<TransactionTooLargeException>(() => store.TransactAsync([], ops));
        var fits = await store.TransactAsync([], ops[..16]);

        Assert.Contains("17 operations", e.Message);
        Assert.Contains("--max-txn-ops", e.Message);
        Assert.True(fits.Succeeded);
        Assert.Equal(16, (await store.ListAsync("/big/")).Items.Count);
    }

    [Fact]
    public async Task ConnectAsync_TlsWithClientCertificate_Works_WithoutCertificate_Fails()
    {
        await using var etcd = await EtcdServer.StartAsync(new EtcdServerOptions { Tls = true });
        var certs = etcd.Certificates!;
        var options = new EtcdKeyValueStoreOptions
        {
            Endpoints = [etcd.Endpoint],
            CACertFile = certs.CaCertFile,
            CertFile = certs.ClientCertFile,
            KeyFile = certs.ClientKeyFile,
        };
        await using (var store = await EtcdKeyValueStore.ConnectAsync(options))
        {
            await store.PutAsync("/tls/a", "secret");
            Assert.Equal("secret", (await store.GetAsync("/tls/a"))!.Value);
        }

        var e = await Assert.ThrowsAnyAsync<DatastoreException>(() =>
            EtcdKeyValueStore.ConnectAsync(options with { CertFile = null, KeyFile = null }));
        Assert.StartsWith($"cannot reach etcd at {etcd.Endpoint}: ", e.Message);
        Assert.DoesNotContain("\n   at ", e.Message);
    }

    [Fact]
    public async Task WatchAsync_ServerRestarts_ResumesWithoutLossOrRepeat()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await using var store = await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [etcd.Endpoint] });
        var first = await store.PutAsync("/w/a", "1");
        await using var watch = new WatchCollector(store, "/w/", first.Revision);
        await watch.WaitForAsync(1);

        await etcd.RestartAsync();
        var second = await store.PutAsync("/w/b", "2");
        var third = await store.PutAsync("/w/c", "3");
        var events = await watch.WaitForAsync(3, TimeSpan.FromSeconds(30));
        await Task.Delay(200);

        Assert.Equal([first.Revision, second.Revision, third.Revision], watch.Events.Select(e => e.Revision));
    }
}

public sealed class EtcdServerTests
{
    [Fact]
    public async Task DisposeAsync_StopsProcessAndDeletesData()
    {
        var etcd = await EtcdServer.StartAsync();
        var pid = etcd.ProcessId;
        var alive = !Process.GetProcessById(pid).HasExited;
        var cmdline = await File.ReadAllTextAsync($"/proc/{pid}/cmdline");

        await etcd.DisposeAsync();

        Assert.True(alive);
        Assert.Contains(etcd.MemberName, cmdline);
        Assert.False(Directory.Exists($"/proc/{pid}") && (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Contains(etcd.MemberName));
    }

    [Fact]
    public async Task StartAsync_Twice_GivesTwoIndependentServers()
    {
        await using var a = await EtcdServer.StartAsync();
        await using var b = await EtcdServer.StartAsync();
        await using var storeA = await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [a.Endpoint] });
        await using var storeB = await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [b.Endpoint] });

        await storeA.PutAsync("/only-a", "1");

        Assert.NotEqual(a.Endpoint, b.Endpoint);
        Assert.Null(await storeB.GetAsync("/only-a"));
    }
}
