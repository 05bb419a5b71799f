using Brindle.Datastore.Config;
using Brindle.Testing;

namespace Brindle.Datastore.Config.Tests;

public sealed class DatastoreConfigTests : IDisposable
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];
    private readonly TempDirectory _dir = new("brindle-config");

    public void Dispose() => _dir.Dispose();

    private string WriteConfig(string yaml)
    {
        var path = _dir.Combine("brindle.cfg");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Load_NoFileNoEnvironment_GivesEmbeddedDefault()
    {
        Assert.False(File.Exists(DatastoreConfig.DefaultConfigPath), "this machine has a real config file; the default cannot be tested");

        var config = DatastoreConfig.Load(null, NoEnvironment);

        Assert.Equal(DatastoreType.Embedded, config.Type);
        Assert.Equal("/var/lib/brindle/brindle.db", config.DatastorePath);
        Assert.Equal("defaults", config.Source);
    }

    [Fact]
    public void Load_EtcdFile_ReadsEveryField()
    {
        var cert = _dir.Combine("c.pem");
        var key = _dir.Combine("k.pem");
        var ca = _dir.Combine("ca.pem");
        foreach (var f in new[] { cert, key, ca }) File.WriteAllText(f, "");
        var path = WriteConfig($"""
            apiVersion: projectcalico.org/v3
            kind: CalicoAPIConfig
            metadata: {"{}"}
            spec:
              datastoreType: etcdv3
              etcdEndpoints: https://10.0.0.1:2379, https://10.0.0.2:2379
              etcdKeyFile: {key}
              etcdCertFile: {cert}
              etcdCACertFile: {ca}
              etcdUsername: root
              etcdPassword: hunter2
            """);

        var config = DatastoreConfig.Load(path, NoEnvironment);

        Assert.Equal(DatastoreType.EtcdV3, config.Type);
        Assert.Equal(["https://10.0.0.1:2379", "https://10.0.0.2:2379"], config.EtcdEndpoints);
        Assert.Equal((key, cert, ca, "root", "hunter2"), (config.EtcdKeyFile, config.EtcdCertFile, config.EtcdCACertFile, config.EtcdUsername, config.EtcdPassword));
        Assert.DoesNotContain("hunter2", config.ToString());
    }

    [Fact]
    public void Load_CalicoctlSeedConfig_ReadsEtcdEndpoint()
    {
        var path = WriteConfig("""
            apiVersion: projectcalico.org/v3
            kind: CalicoAPIConfig
            metadata:
            spec:
              datastoreType: "etcdv3"
              etcdEndpoints: "http://127.0.0.1:2379"
            """);

        var config = DatastoreConfig.Load(path, NoEnvironment);

        Assert.Equal((DatastoreType.EtcdV3, "http://127.0.0.1:2379"), (config.Type, Assert.Single(config.EtcdEndpoints)));
    }

    [Fact]
    public void Load_EnvironmentSet_OverridesFile()
    {
        var path = WriteConfig("""
            apiVersion: projectcalico.org/v3
            kind: CalicoAPIConfig
            spec:
              datastoreType: etcdv3
              etcdEndpoints: http://127.0.0.1:2379
            """);

        var config = DatastoreConfig.Load(path, new Dictionary<string, string?> { ["DATASTORE_TYPE"] = "embedded", ["DATASTORE_PATH"] = _dir.Combine("x.db") });

        Assert.Equal(DatastoreType.Embedded, config.Type);
        Assert.Equal(_dir.Combine("x.db"), config.DatastorePath);
        Assert.Equal($"{path} + environment", config.Source);
    }

    [Fact]
    public void Load_BadFile_ReportsEveryProblemWithFileAndField()
    {
        var path = WriteConfig("""
            apiVersion: projectcalico.org/v1
            kind: CalicoAPIConfig
            spec:
              datastoreType: etcdv3
              etcdEndpoints: 127.0.0.1:2379
              etcdCertFile: /nonexistent/cert.pem
              etcdEndpoint: typo
            """);

        var e = Assert.Throws<DatastoreConfigException>(() => DatastoreConfig.Load(path, NoEnvironment));

        Assert.Contains($"{path}: apiVersion: expected 'projectcalico.org/v3', got 'projectcalico.org/v1'", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith($"{path}: spec.etcdEndpoint: unknown field", StringComparison.Ordinal));
        Assert.Contains($"{path}: spec.etcdEndpoints: '127.0.0.1:2379' is not an http:// or https:// URL with a host and port", e.Problems);
        Assert.Contains($"{path}: spec.etcdCertFile: file '/nonexistent/cert.pem' does not exist", e.Problems);
        Assert.Contains($"{path}: spec.etcdCertFile: etcdCertFile and etcdKeyFile must be given together", e.Problems);
        Assert.Equal(5, e.Problems.Count);
    }

    [Fact]
    public void Load_BadEnvironment_NamesTheVariable()
    {
        var e = Assert.Throws<DatastoreConfigException>(() =>
            DatastoreConfig.Load(null, new Dictionary<string, string?> { ["DATASTORE_TYPE"] = "etcdv3" }));

        Assert.Equal(["environment DATASTORE_TYPE: etcdv3 needs etcdEndpoints (or ETCD_ENDPOINTS)"], e.Problems);
    }

    [Fact]
    public void Load_ExplicitMissingFile_Fails()
    {
        var path = _dir.Combine("absent.cfg");

        var e = Assert.Throws<DatastoreConfigException>(() => DatastoreConfig.Load(path, NoEnvironment));

        Assert.Equal([$"{path}: file not found"], e.Problems);
    }

    [Fact]
    public void Load_YamlSyntaxError_NamesLine()
    {
        var path = WriteConfig("apiVersion: projectcalico.org/v3\nkind: [unclosed\n");

        var e = Assert.Throws<DatastoreConfigException>(() => DatastoreConfig.Load(path, NoEnvironment));

        Assert.StartsWith($"{path}: line ", Assert.Single(e.Problems));
    }
}

public sealed class DatastoreFactoryTests
{
    [Fact]
    public async Task OpenAsync_Embedded_OpensFileAtConfiguredPath()
    {
        using var dir = new TempDirectory("brindle-factory");
        var config = DatastoreConfig.Load(null, new Dictionary<string, string?> { ["DATASTORE_PATH"] = dir.Combine("sub", "b.db") });

        await using (var store = await DatastoreFactory.OpenAsync(config))
        {
            await store.PutAsync("/k", "v");
            Assert.Equal($"embedded ({dir.Combine("sub", "b.db")})", store.Description);
        }

        Assert.True(File.Exists(dir.Combine("sub", "b.db")));
    }

    [Fact]
    public async Task OpenAsync_Etcd_ConnectsWithEnvironmentEndpoints()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var config = DatastoreConfig.Load(null, new Dictionary<string, string?> { ["DATASTORE_TYPE"] = "etcdv3", ["ETCD_ENDPOINTS"] = etcd.Endpoint });

        await using var store = await DatastoreFactory.OpenAsync(config);
        var put = await store.PutAsync("/k", "v");

        Assert.True(put.Succeeded);
        Assert.Equal($"etcd ({etcd.Endpoint})", store.Description);
    }

    [Fact]
    public async Task OpenAsync_EmbeddedInUnwritableLocation_ThrowsPlainDatastoreException()
    {
        using var dir = new TempDirectory("brindle-factory");
        var file = dir.Combine("not-a-dir");
        await File.WriteAllTextAsync(file, "x");
        var config = DatastoreConfig.Load(null, new Dictionary<string, string?> { ["DATASTORE_PATH"] = Path.Combine(file, "b.db") });

        var e = await Assert.ThrowsAsync<DatastoreException>(() => DatastoreFactory.OpenAsync(config));

        Assert.StartsWith($"cannot open embedded datastore {Path.Combine(file, "b.db")}: ", e.Message);
    }
}
