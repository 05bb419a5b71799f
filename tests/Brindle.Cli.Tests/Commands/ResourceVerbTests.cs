using Brindle.Testing;

namespace Brindle.Cli.Tests.Commands;

/// <summary>Each resource verb end to end on a fresh embedded (SQLite) datastore.</summary>
public sealed class ResourceVerbTests : IDisposable
{
    private const string Pools =
        """
        apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata:
          name: pool-a
        spec:
          cidr: 10.1.0.0/16
          natOutgoing: true
        ---
        apiVersion: projectcalico.org/v3
        kind: IPPool
        metadata:
          name: pool-b
        spec:
          cidr: 10.2.0.0/16
          ipipMode: CrossSubnet
        """;

    private readonly TempDirectory _dir = new("brindle-cli-verbs");
    private readonly CliRunner _cli;

    public ResourceVerbTests() => _cli = CliRunner.Embedded(_dir.Combine("store.db"));

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<CliRun> Ok(params string[] args)
    {
        var run = await _cli.RunAsync(args);
        Assert.True(run.Exit == ExitCodes.Success, run.ToString());
        return run;
    }

    [Fact]
    public async Task Apply_ThenGet_TableAndWideShowDefaults()
    {
        var apply = await Ok("apply", "-f", Write("pools.yaml", Pools));
        Assert.Equal("Successfully applied 2 'IPPool' resource(s)\n", apply.Out);

        var table = await Ok("get", "ipp");
        Assert.Equal(
            "NAME     CIDR          SELECTOR\n" +
            "pool-a   10.1.0.0/16   all()\n" +
            "pool-b   10.2.0.0/16   all()\n", table.Out);

        var wide = await Ok("get", "IPPools", "-o", "wide");
        Assert.Equal(
            "NAME     CIDR          NAT     IPIPMODE      VXLANMODE   DISABLED   DISABLEBGPEXPORT   SELECTOR\n" +
            "pool-a   10.1.0.0/16   true    Never         Never       false      false              all()\n" +
            "pool-b   10.2.0.0/16   false   CrossSubnet   Never       false      false              all()\n", wide.Out);
    }

    [Fact]
    public async Task GetYaml_OneNamedResource_IsTheResourceWithDefaultsAndVersion()
    {
        await Ok("apply", "-f", Write("pools.yaml", Pools));
        var yaml = (await Ok("get", "ippool", "pool-a", "-o", "yaml")).Out;
        Assert.StartsWith("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n", yaml, StringComparison.Ordinal);
        Assert.Contains("blockSize: 26", yaml, StringComparison.Ordinal);
        Assert.Contains("nodeSelector: all()", yaml, StringComparison.Ordinal);
        Assert.Contains("resourceVersion:", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Existing_FailsAndWritesNothing()
    {
        await Ok("create", "-f", Write("a.yaml", Pools.Split("---")[0]));
        var run = await _cli.RunAsync("create", "-f", Write("both.yaml", Pools));
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains("document 1 (IPPool 'pool-a'): IPPool 'pool-a' already exists", run.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was written", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("pool-b", (await Ok("get", "ippools")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replace_Absent_FailsAndWritesNothing_PresentSucceeds()
    {
        var run = await _cli.RunAsync("replace", "-f", Write("pools.yaml", Pools));
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains("IPPool 'pool-a' does not exist (use create or apply)", run.Error, StringComparison.Ordinal);
        Assert.Contains("IPPool 'pool-b' does not exist", run.Error, StringComparison.Ordinal);
        Assert.Equal("NAME   CIDR   SELECTOR\n", (await Ok("get", "ippools")).Out);

        await Ok("apply", "-f", Write("pools.yaml", Pools));
        var replaced = await Ok("replace", "-f", Write("pools2.yaml", Pools.Replace("natOutgoing: true", "natOutgoing: false", StringComparison.Ordinal)));
        Assert.Equal("Successfully replaced 2 'IPPool' resource(s)\n", replaced.Out);
        Assert.Contains("pool-a   10.1.0.0/16   false", (await Ok("get", "ippools", "-o", "wide")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_OneBadDocument_NothingWrittenEveryProblemReported()
    {
        var path = Write("mixed.yaml", Pools + """

            ---
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata:
              name: pool-c
            spec:
              cidr: 10.3.0.1/16
            ---
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata:
              name: pool-d
            spec:
              cidr: 10.4.0.0/16
              blockSize: 40
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata:
              name: bad-selector
            spec:
              selector: app == web
            ---
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata:
              name: overlapping
            spec:
              cidr: 10.1.128.0/17
            """);
        var run = await _cli.RunAsync("apply", "-f", path);
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Empty(run.Out);
        Assert.True(run.Error.Contains($"{path}: document 3 (IPPool 'pool-c'): spec.cidr:", StringComparison.Ordinal), run.Error);
        Assert.True(run.Error.Contains($"{path}: document 4 (IPPool 'pool-d'): spec.blockSize:", StringComparison.Ordinal), run.Error);
        Assert.True(run.Error.Contains($"{path}: document 5 (GlobalNetworkPolicy 'bad-selector'): spec.selector:", StringComparison.Ordinal), run.Error);
        Assert.True(run.Error.Contains($"{path}: document 6 (IPPool 'overlapping'): spec.cidr:", StringComparison.Ordinal), run.Error);
        Assert.Contains("nothing was written", run.Error, StringComparison.Ordinal);
        Assert.Equal("NAME   CIDR   SELECTOR\n", (await Ok("get", "ippools")).Out);
    }

    [Fact]
    public async Task Apply_PoolOverlappingStoredPool_Refused()
    {
        await Ok("apply", "-f", Write("pools.yaml", Pools));
        var run = await _cli.RunAsync("apply", "-f", Write("o.yaml", Pools.Split("---")[0].Replace("pool-a", "pool-z", StringComparison.Ordinal).Replace("10.1.0.0/16", "10.1.2.0/24", StringComparison.Ordinal)));
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains("(IPPool 'pool-z'): spec.cidr:", run.Error, StringComparison.Ordinal);
        Assert.Contains("pool-a", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_PolicyInMissingTier_Refused_TierInSameBatch_Accepted()
    {
        const string policy = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: security.block}\nspec: {tier: security, selector: all()}\n";
        var run = await _cli.RunAsync("apply", "-f", Write("p.yaml", policy));
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains("spec.tier: tier 'security' does not exist", run.Error, StringComparison.Ordinal);

        var both = await Ok("apply", "-f", Write("tp.yaml", "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n---\n" + policy));
        Assert.Equal("Successfully applied 1 'Tier' resource(s)\nSuccessfully applied 1 'GlobalNetworkPolicy' resource(s)\n", both.Out);
        Assert.Equal("NAME\nsecurity.block\n", (await Ok("get", "gnp")).Out);
    }

    [Fact]
    public async Task Apply_StaleResourceVersion_ConflictExplained()
    {
        await Ok("apply", "-f", Write("pools.yaml", Pools));
        var yaml = (await Ok("get", "ippool", "pool-a", "-o", "yaml")).Out;
        await Ok("label", "ippool", "pool-a", "zone=a");
        var run = await _cli.RunAsync("apply", "-f", Write("old.yaml", yaml));
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains("metadata.resourceVersion", run.Error, StringComparison.Ordinal);
        Assert.Contains("hint: a resourceVersion is the version you last read", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ByKindAndName_AllOrNothing()
    {
        await Ok("apply", "-f", Write("pools.yaml", Pools));
        var missing = await _cli.RunAsync("delete", "ippool", "pool-a", "nope");
        Assert.Equal(ExitCodes.Failure, missing.Exit);
        Assert.Contains("resource does not exist: IPPool(nope)", missing.Error, StringComparison.Ordinal);
        Assert.Contains("pool-a", (await Ok("get", "ippools")).Out, StringComparison.Ordinal);

        var skipped = await Ok("delete", "ippool", "pool-a", "nope", "--skip-not-found");
        Assert.Equal("Successfully deleted 1 'IPPool' resource(s)\n", skipped.Out);
        Assert.Equal("NAME     CIDR          SELECTOR\npool-b   10.2.0.0/16   all()\n", (await Ok("get", "ippools")).Out);
    }

    [Fact]
    public async Task Delete_ByFile_RemovesEveryResourceInIt()
    {
        var path = Write("pools.yaml", Pools);
        await Ok("apply", "-f", path);
        Assert.Equal("Successfully deleted 2 'IPPool' resource(s)\n", (await Ok("delete", "-f", path)).Out);
        Assert.Equal("NAME   CIDR   SELECTOR\n", (await Ok("get", "ippools")).Out);
    }

    [Fact]
    public async Task Get_Missing_CalicoctlMessageExitOne()
    {
        var run = await _cli.RunAsync("get", "ippool", "ghost");
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Equal("brindle: resource does not exist: IPPool(ghost)\n", run.Error);
    }

    [Fact]
    public async Task Label_SetOverwriteRemove_AndSelectorFilter()
    {
        await Ok("apply", "-f", Write("pools.yaml", Pools));
        await Ok("label", "ippool", "pool-a", "zone=east", "env=prod");
        var refused = await _cli.RunAsync("label", "ippool", "pool-a", "zone=west");
        Assert.Equal(ExitCodes.Failure, refused.Exit);
        Assert.Contains("already has label zone=east; use --overwrite", refused.Error, StringComparison.Ordinal);
        await Ok("label", "ippool", "pool-a", "zone=west", "--overwrite");
        Assert.Equal("pool-a\n", (await Ok("get", "ippool", "--selector", "zone == 'west'", "-o", "name")).Out.Replace("ippool/", "", StringComparison.Ordinal));
        await Ok("label", "ippool", "pool-a", "zone", "--remove");
        Assert.Empty((await Ok("get", "ippool", "--selector", "has(zone)", "-o", "name")).Out);
        Assert.Equal("ippool/pool-a\n", (await Ok("get", "ippool", "--selector", "env == 'prod'", "-o", "name")).Out);
    }

    [Fact]
    public async Task Patch_MergePatch_ChangesFieldAndKeepsOthers_InvalidPatchRefused()
    {
        await Ok("apply", "-f", Write("pools.yaml", Pools));
        await Ok("patch", "ippool", "pool-b", "-p", """{"spec":{"disabled":true,"ipipMode":null}}""");
        var wide = (await Ok("get", "ippool", "pool-b", "-o", "wide")).Out;
        Assert.Contains("pool-b   10.2.0.0/16   false   Never      Never       true", wide, StringComparison.Ordinal);

        var bad = await _cli.RunAsync("patch", "ippool", "pool-b", "-p", """{"spec":{"blockSize":99}}""");
        Assert.Equal(ExitCodes.Failure, bad.Exit);
        Assert.Contains("spec.blockSize", bad.Error, StringComparison.Ordinal);
        var rename = await _cli.RunAsync("patch", "ippool", "pool-b", "-p", """{"metadata":{"name":"x"}}""");
        Assert.Contains("metadata.name cannot be changed", rename.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_NamespacedKinds_DefaultNamespaceDashNAndAllNamespaces()
    {
        const string endpoints =
            """
            apiVersion: projectcalico.org/v3
            kind: WorkloadEndpoint
            metadata: {name: node1-k8s-web-eth0, namespace: prod}
            spec: {node: node1, orchestrator: k8s, workload: web, pod: web, endpoint: eth0, interfaceName: cali1, ipNetworks: [10.1.0.5/32]}
            ---
            apiVersion: projectcalico.org/v3
            kind: WorkloadEndpoint
            metadata: {name: node2-k8s-db-eth0}
            spec: {node: node2, orchestrator: k8s, workload: db, pod: db, endpoint: eth0, interfaceName: cali2, ipNetworks: [10.1.0.6/32]}
            """;
        await Ok("apply", "-f", Write("weps.yaml", endpoints));
        Assert.Equal("WORKLOAD   NODE    NETWORKS      INTERFACE\ndb         node2   10.1.0.6/32   cali2\n", (await Ok("get", "wep")).Out);
        Assert.Equal("WORKLOAD   NODE    NETWORKS      INTERFACE\nweb        node1   10.1.0.5/32   cali1\n", (await Ok("get", "weps", "-n", "prod")).Out);
        Assert.Equal(
            "NAMESPACE   WORKLOAD   NODE    NETWORKS      INTERFACE\n" +
            "default     db         node2   10.1.0.6/32   cali2\n" +
            "prod        web        node1   10.1.0.5/32   cali1\n", (await Ok("get", "workloadendpoints", "-A")).Out);
    }

    [Fact]
    public async Task Apply_NamespaceFlag_FillsMissingAndRejectsMismatch()
    {
        const string policy = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: other}\nspec: {selector: all()}\n";
        var run = await _cli.RunAsync("apply", "-f", Write("p.yaml", policy), "-n", "prod");
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains("metadata.namespace: namespace 'other' does not match -n prod", run.Error, StringComparison.Ordinal);
        await Ok("apply", "-f", Write("p2.yaml", policy.Replace(", namespace: other", "", StringComparison.Ordinal)), "-n", "prod");
        Assert.Equal("networkpolicy/prod/p\n", (await Ok("get", "np", "-n", "prod", "-o", "name")).Out);
    }
}
