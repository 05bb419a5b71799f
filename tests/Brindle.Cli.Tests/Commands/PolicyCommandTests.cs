using System.CommandLine;
using System.Text.Json;
using Brindle.Testing;

namespace Brindle.Cli.Commands.Tests;

public sealed class PolicyCommandTests : IDisposable
{
    private const string Cluster = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {team: blue}}
        ---
        apiVersion: projectcalico.org/v3
        kind: WorkloadEndpoint
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec: {orchestrator: k8s, ipNetworks: [10.1.0.1/32]}
        ---
        apiVersion: projectcalico.org/v3
        kind: WorkloadEndpoint
        metadata: {name: db, namespace: shop, labels: {app: db}}
        spec: {orchestrator: k8s, ipNetworks: [10.1.0.2/32]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: db-from-web, namespace: shop}
        spec:
          selector: app == 'db'
          ingress:
          - action: Allow
            protocol: TCP
            source: {selector: app == 'web'}
            destination: {ports: [5432]}
        """;

    private readonly TempDirectory _dir = new("brindle-policy-cli");

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Out, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(new StringReader(""), output, error);
        var exit = await CliApplication.BuildRootCommand(console).Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Simulate_ProbesJson_OneObjectPerProbeInOrder()
    {
        var cluster = Write("cluster.yaml", Cluster);
        var probes = Write("probes.jsonl", string.Join('\n',
            """{"src": "shop/web", "dst": "shop/db", "protocol": "TCP", "dstPort": 5432}""",
            """{"src": "shop/web", "dst": "shop/db", "protocol": "TCP", "dstPort": 80}""",
            """{"src": "192.0.2.1", "dst": "10.1.0.1", "protocol": "ICMP", "icmpType": 8}"""));
        var (exit, output, error) = await Run("policy", "simulate", "-f", cluster, "--probes", probes, "-o", "json");
        Assert.True(exit == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(output);
        var results = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(3, results.Length);
        Assert.Equal(["Allow", "Deny", "Allow"], results.Select(r => r.GetProperty("verdict").GetString()));
        Assert.Equal("shop/db-from-web", results[0].GetProperty("ingress").GetProperty("policy").GetString());
        Assert.Equal(0, results[0].GetProperty("ingress").GetProperty("rule").GetInt32());
        Assert.Equal("endOfTier", results[1].GetProperty("ingress").GetProperty("decidedBy").GetString());
        Assert.Equal("profile", results[1].GetProperty("egress").GetProperty("decidedBy").GetString());
        Assert.Equal("external", results[2].GetProperty("egress").GetProperty("decidedBy").GetString());
        Assert.Equal(8, results[2].GetProperty("icmpType").GetInt32());
        Assert.False(results[2].TryGetProperty("dstPort", out _));
    }

    [Fact]
    public async Task SimulateAndTrace_WithoutFiles_ReadTheLiveDatastore()
    {
        var cli = Brindle.Cli.Tests.CliRunner.Embedded(_dir.Combine("store.db"));
        var apply = await cli.RunAsync("apply", "-f", Write("cluster.yaml", Cluster));
        Assert.True(apply.Exit == ExitCodes.Success, apply.ToString());
        var probes = Write("probes.jsonl", string.Join('\n',
            """{"src": "shop/web", "dst": "shop/db", "protocol": "TCP", "dstPort": 5432}""",
            """{"src": "shop/db", "dst": "shop/web", "protocol": "TCP", "dstPort": 5432}"""));
        var simulate = await cli.RunAsync("policy", "simulate", "--probes", probes, "-o", "json");
        Assert.True(simulate.Exit == ExitCodes.Success, simulate.ToString());
        using (var json = JsonDocument.Parse(simulate.Out))
        {
            var results = json.RootElement.EnumerateArray().ToArray();
            Assert.Equal(["Allow", "Allow"], results.Select(r => r.GetProperty("verdict").GetString()));
            Assert.Equal("shop/db-from-web", results[0].GetProperty("ingress").GetProperty("policy").GetString());
            Assert.Equal("profile", results[1].GetProperty("ingress").GetProperty("decidedBy").GetString());
        }
        var trace = await cli.RunAsync("policy", "trace", "--src", "shop/web", "--dst", "shop/db", "--port", "80");
        Assert.True(trace.Exit == ExitCodes.Success, trace.ToString());
        Assert.Contains("rule 0 (Allow) does not match: destination port 80 is not in ports [5432]", trace.Out, StringComparison.Ordinal);
        Assert.EndsWith("Verdict: Deny\n", trace.Out, StringComparison.Ordinal);

        // A policy deleted from the store is gone from the next simulation.
        var delete = await cli.RunAsync("delete", "networkpolicy", "db-from-web", "-n", "shop");
        Assert.True(delete.Exit == ExitCodes.Success, delete.ToString());
        var after = await cli.RunAsync("policy", "simulate", "--probes", probes, "-o", "json");
        using var afterJson = JsonDocument.Parse(after.Out);
        Assert.Equal("profile", afterJson.RootElement[0].GetProperty("ingress").GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task Simulate_WithoutFiles_EmptyDatastore_PrintsEmptyMatrix()
    {
        var cli = Brindle.Cli.Tests.CliRunner.Embedded(_dir.Combine("empty.db"));
        var run = await cli.RunAsync("policy", "simulate", "--port", "80");
        Assert.True(run.Exit == ExitCodes.Success, run.ToString());
        Assert.StartsWith("TCP/80:", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("shop/", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_NoProbes_PrintsMatrixPerPort()
    {
        var cluster = Write("cluster.yaml", Cluster);
        var (exit, output, _) = await Run("policy", "simulate", "-f", cluster, "--port", "5432", "--port", "80");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("TCP/5432:", output, StringComparison.Ordinal);
        Assert.Contains("TCP/80:", output, StringComparison.Ordinal);
        var lines = output.Split(Environment.NewLine);
        Assert.Equal("shop/web   -         .", lines[2]);
        Assert.Equal("shop/db    .         -", lines[3]);
        Assert.Equal("shop/web   -         X", lines[7]);
    }

    [Fact]
    public async Task Trace_ExplainsEachSide()
    {
        var cluster = Write("cluster.yaml", Cluster);
        var (exit, output, _) = await Run("policy", "trace", "-f", cluster, "--src", "shop/web", "--dst", "shop/db", "--port", "80");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Egress of the source: Allow (profile kns.shop, rule 0 (Allow))", output, StringComparison.Ordinal);
        Assert.Contains("rule 0 (Allow) does not match: destination port 80 is not in ports [5432]", output, StringComparison.Ordinal);
        Assert.EndsWith("Verdict: Deny\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_BadManifest_ReportsFileKindNameField()
    {
        var cluster = Write("bad.yaml", Cluster.Replace("app == 'web'", "app == web", StringComparison.Ordinal));
        var (exit, _, error) = await Run("policy", "simulate", "-f", cluster);
        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("bad.yaml", error, StringComparison.Ordinal);
        Assert.Contains("shop/db-from-web", error, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].source.selector", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_BadProbe_ReportsLine()
    {
        var cluster = Write("cluster.yaml", Cluster);
        var probes = Write("probes.jsonl", "{\"src\": \"shop/web\", \"dst\": \"shop/nope\", \"dstPort\": 1}\n{\"src\": \"shop/web\"}");
        var (exit, _, error) = await Run("policy", "simulate", "-f", cluster, "--probes", probes);
        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("probes.jsonl:2:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_WithoutFiles_BadDatastoreConfig_OnePlainError()
    {
        var cli = new Brindle.Cli.Tests.CliRunner(new Dictionary<string, string?> { ["DATASTORE_TYPE"] = "kubernetes" });
        var run = await cli.RunAsync("policy", "simulate");
        Assert.NotEqual(ExitCodes.Success, run.Exit);
        Assert.Contains("'kubernetes' is not supported", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_ShadowedRule_WarnsAndFails()
    {
        var cluster = Write("cluster.yaml", Cluster + """

            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: broken, namespace: shop}
            spec:
              selector: app == 'web'
              ingress: [{action: Deny}, {action: Allow}]
            """);
        var (exit, output, _) = await Run("policy", "lint", "-f", cluster);
        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("warning: NetworkPolicy 'shop/broken' spec.ingress[1..1]: can never match", output, StringComparison.Ordinal);
        var (cleanExit, cleanOutput, _) = await Run("policy", "lint", "-f", Write("clean.yaml", Cluster));
        Assert.Equal(ExitCodes.Success, cleanExit);
        Assert.Equal("no problems found\n", cleanOutput);
    }
}
