using Brindle.Api;
using Brindle.Datastore.Config;
using Brindle.Datastore.Kv;
using Brindle.Testing;

namespace Brindle.Cli.Tests.Commands;

/// <summary>
/// The shared examples (copies under tests/Brindle.Api.Tests/Golden/examples): v3 files apply, v1 files convert and
/// apply, on the embedded store and on etcd, and <c>get -o yaml</c> returns what was applied plus Calico's defaults.
/// Bad input never changes either store.
/// </summary>
public sealed class ExampleManifestTests : IDisposable
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Examples");
    private readonly TempDirectory _dir = new("brindle-cli-examples");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> V3Files() => [.. Files("seed-v3")];

    public static TheoryData<string> V1Files() => [.. Files("seed-v1")];

    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Theory]
    [MemberData(nameof(V3Files))]
    public async Task Apply_SeedV3_AppliesAndGetsBack(string file)
    {
        var cli = CliRunner.Embedded(_dir.Combine("store.db"));
        var path = Path.Combine(Root, "seed-v3", file);
        var run = await cli.RunAsync("apply", "-f", path);
        Assert.True(run.Exit == ExitCodes.Success, run.ToString());
        Assert.StartsWith("Successfully applied ", run.Out, StringComparison.Ordinal);
        Assert.Empty(run.Error);
        var validate = await CliRunner.Offline.RunAsync("validate", "-f", path);
        Assert.True(validate.Exit == ExitCodes.Success, validate.ToString());
    }

    [Theory]
    [MemberData(nameof(V1Files))]
    public async Task Convert_SeedV1_PrintsV3ThatValidatesAndApplies(string file)
    {
        var path = Path.Combine(Root, "seed-v1", file);
        var convert = await CliRunner.Offline.RunAsync("convert", "-f", path);
        Assert.True(convert.Exit == ExitCodes.Success, convert.ToString());
        Assert.Contains("apiVersion: projectcalico.org/v3", convert.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("apiVersion: v1", convert.Out, StringComparison.Ordinal);
        Assert.Contains("converted from calicoctl v1:", convert.Error, StringComparison.Ordinal);

        var converted = _dir.Combine("converted.yaml");
        await File.WriteAllTextAsync(converted, convert.Out);
        var validate = await CliRunner.Offline.RunAsync("validate", "-f", converted);
        Assert.True(validate.Exit == ExitCodes.Success, validate.ToString());

        var apply = await CliRunner.Embedded(_dir.Combine("store.db")).RunAsync("apply", "-f", path);
        Assert.True(apply.Exit == ExitCodes.Success, apply.ToString());
        Assert.Contains("converted from calicoctl v1:", apply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AllExamplesTogether_OneRunDirectoryRecursive()
    {
        var cli = CliRunner.Embedded(_dir.Combine("all.db"));
        var run = await cli.RunAsync("apply", "-f", Path.Combine(Root, "seed-v3"), "-R");
        Assert.True(run.Exit == ExitCodes.Success, run.ToString());
        var policies = await cli.RunAsync("get", "networkpolicies", "-A");
        Assert.Contains("production  ", policies.Out, StringComparison.Ordinal);
        Assert.Contains("web-db-policy", policies.Out, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> AllFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in new[] { "seed-v3", "seed-v1" })
        {
            foreach (var file in Files(folder)) data.Add(folder, file);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllFiles))]
    public async Task Apply_EachExample_FreshEmbeddedStore_GetYamlIsAppliedPlusDefaults(string folder, string file) =>
        await AssertAppliesAndReadsBackAsync(CliRunner.Embedded(_dir.Combine($"{folder}-{file}.db")), Path.Combine(Root, folder, file), deleteAfter: false);

    [Fact]
    public async Task Apply_EachExample_Etcd_GetYamlIsAppliedPlusDefaults_DeleteLeavesStoreEmpty()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var cli = CliRunner.Etcd(etcd.Endpoint);
        foreach (var folder in new[] { "seed-v3", "seed-v1" })
        {
            foreach (var file in Files(folder))
            {
                await AssertAppliesAndReadsBackAsync(cli, Path.Combine(Root, folder, file), deleteAfter: true);
                Assert.DoesNotContain(await ListAllAsync(cli), kv => kv.Key.StartsWith("/calico/resources/", StringComparison.Ordinal));
            }
        }
    }

    /// <summary>Each bad file holds one good document next to the bad one, so a partial write would show.</summary>
    public static TheoryData<string, string> BadInputs() => new()
    {
        { "unknown kind", "apiVersion: projectcalico.org/v3\nkind: IPPoool\nmetadata: {name: x}\nspec: {cidr: 10.77.0.0/16}\n" },
        { "wrong type", "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: x}\nspec: {cidr: 10.77.0.0/16, blockSize: big}\n" },
        { "bad CIDR", "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: x}\nspec: {cidr: 10.77.0.0/33}\n" },
        { "bad selector", "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: x}\nspec: {selector: \"role == \"}\n" },
        { "overlapping pool", "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: x}\nspec: {cidr: 10.250.1.0/24}\n" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_Embedded_StoreUnchanged(string what, string bad) =>
        await AssertBadInputChangesNothingAsync(CliRunner.Embedded(_dir.Combine("bad.db")), what, bad);

    [Fact]
    public async Task BadInput_Etcd_StoreUnchanged()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var cli = CliRunner.Etcd(etcd.Endpoint);
        foreach (var row in BadInputs())
        {
            await AssertBadInputChangesNothingAsync(cli, (string)row[0], (string)row[1]);
        }
    }

    private async Task AssertBadInputChangesNothingAsync(CliRunner cli, string what, string bad)
    {
        var stored = _dir.Combine("stored.yaml");
        await File.WriteAllTextAsync(stored, "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: stored}\nspec: {cidr: 10.250.0.0/16}\n");
        Assert.Equal(ExitCodes.Success, (await cli.RunAsync("apply", "-f", stored)).Exit);
        var path = _dir.Combine("bad.yaml");
        await File.WriteAllTextAsync(path,
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: good-one}\nspec: {selector: all()}\n---\n" + bad);
        var before = await ListAllAsync(cli);
        foreach (var verb in new[] { "apply", "create", "replace" })
        {
            var run = await cli.RunAsync(verb, "-f", path);
            Assert.True(run.Exit == ExitCodes.Failure, $"{what} ({verb}): {run}");
            Assert.Contains("nothing was written", run.Error, StringComparison.Ordinal);
        }
        Assert.Equal(before, await ListAllAsync(cli));
    }

    /// <summary>Applies the file, then reads every resource back with <c>get -o yaml</c> and compares it, as a value, with
    /// the document plus defaults (ignoring what the store stamps: resourceVersion, uid, creationTimestamp).</summary>
    private static async Task AssertAppliesAndReadsBackAsync(CliRunner cli, string path, bool deleteAfter)
    {
        var read = ResourceCodec.Read(await File.ReadAllTextAsync(path), path);
        Assert.Empty(read.Errors);
        var expected = read.Documents.Select(d => Unstamped(ResourceDefaults.Apply(d.Resource)))
            .GroupBy(r => r.Key).Select(g => g.Last()).ToList();
        Assert.NotEmpty(expected);

        var apply = await cli.RunAsync("apply", "-f", path);
        Assert.True(apply.Exit == ExitCodes.Success, apply.ToString());
        foreach (var resource in expected)
        {
            string[] args = resource.ResourceKind.Namespaced
                ? ["get", resource.Kind, resource.Name, "-n", resource.Namespace!, "-o", "yaml"]
                : ["get", resource.Kind, resource.Name, "-o", "yaml"];
            var get = await cli.RunAsync(args);
            Assert.True(get.Exit == ExitCodes.Success, get.ToString());
            var back = ResourceCodec.Read(get.Out, "get");
            Assert.Empty(back.Errors);
            var stored = Assert.Single(back.Documents).Resource;
            Assert.NotNull(stored.Metadata.ResourceVersion);
            Assert.NotNull(stored.Metadata.Uid);
            Assert.Equal(resource, Unstamped(stored));
        }
        if (deleteAfter)
        {
            var delete = await cli.RunAsync("delete", "-f", path);
            Assert.True(delete.Exit == ExitCodes.Success, delete.ToString());
        }
    }

    private static Resource Unstamped(Resource r) =>
        r with { Metadata = r.Metadata with { ResourceVersion = null, Uid = null, CreationTimestamp = null } };

    /// <summary>Every key, value and revision in the store the runner points at.</summary>
    private static async Task<IReadOnlyList<KeyValue>> ListAllAsync(CliRunner cli)
    {
        await using var store = await DatastoreFactory.OpenAsync(DatastoreConfig.Load(null, cli.Environment));
        return (await store.ListAsync("/")).Items;
    }
}
