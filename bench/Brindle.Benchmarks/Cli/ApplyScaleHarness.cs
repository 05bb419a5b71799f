using System.Diagnostics;
using System.Globalization;
using System.Text;
using Brindle.Cli;
using Brindle.Testing;

namespace Brindle.Benchmarks.Cli;

using static Brindle.Benchmarks.Harness;

/// <summary>
/// <c>brindle apply -f</c> of <c>--count</c> WorkloadEndpoints (one multi-document YAML file, one call, one transaction)
/// and <c>brindle get wep -A -o json</c> of all of them, run in-process through the real command tree, on the embedded
/// (SQLite) store and on a real etcd, in the same run; a fresh store per run; medians over <c>--runs</c>.
/// <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- apply [--count 10000] [--runs 3] [--backends sqlite,etcd]</c>
/// </summary>
public sealed class ApplyScaleHarness : IScaleHarness
{
    /// <summary>etcd's default --max-txn-ops is 128 and --max-request-bytes 1.5 MiB: one 10,000-resource transaction needs more.</summary>
    private const int EtcdMaxTxnOps = 200_000;
    private const long EtcdMaxRequestBytes = 256L * 1024 * 1024;

    public string Name => "apply";

    public string Description => "brindle apply -f of N WorkloadEndpoints (one transaction) and get wep -A -o json, SQLite vs etcd";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var count = int.Parse(Arg(args, "--count", "10000"), CultureInfo.InvariantCulture);
        var runs = int.Parse(Arg(args, "--runs", "3"), CultureInfo.InvariantCulture);
        var backends = Arg(args, "--backends", "sqlite,etcd").Split(',');
        using var dir = new TempDirectory("brindle-bench-apply");
        var manifest = dir.Combine("weps.yaml");
        await File.WriteAllTextAsync(manifest, Manifest(count), cancellationToken);
        output.WriteLine($"apply harness: {count} WorkloadEndpoints ({new FileInfo(manifest).Length / 1024} KiB of YAML), {runs} runs per backend, fresh store per run");

        var medians = new Dictionary<string, (double Apply, double Get)>();
        foreach (var backend in backends)
        {
            var applies = new List<double>();
            var gets = new List<double>();
            for (var run = -1; run < runs; run++)   // run -1 warms up the JIT and is not counted
            {
                var (apply, get) = await RunOnceAsync(backend, dir, manifest, count, run < 0 ? Math.Min(count, 500) : count, cancellationToken);
                if (run < 0) continue;
                applies.Add(apply);
                gets.Add(get);
            }
            medians[backend] = (Median(applies), Median(gets));
            output.WriteLine($"  {backend,-6} apply: median {Median(applies):F0} ms (runs {Join(applies)}); get -A -o json: median {Median(gets):F0} ms (runs {Join(gets)})");
        }
        if (medians.TryGetValue("sqlite", out var s) && medians.TryGetValue("etcd", out var e))
        {
            output.WriteLine($"  etcd / sqlite: apply {e.Apply / s.Apply:F2}x, get {e.Get / s.Get:F2}x");
        }
        return 0;
    }

    private static async Task<(double ApplyMs, double GetMs)> RunOnceAsync(string backend, TempDirectory dir, string manifest, int full, int count, CancellationToken cancellationToken)
    {
        var file = count == full ? manifest : dir.Combine($"warm-{count}.yaml");
        if (count != full) await File.WriteAllTextAsync(file, Manifest(count), cancellationToken);
        EtcdServer? etcd = null;
        try
        {
            Dictionary<string, string?> environment;
            if (backend == "etcd")
            {
                etcd = await EtcdServer.StartAsync(new EtcdServerOptions { MaxTxnOps = EtcdMaxTxnOps, MaxRequestBytes = EtcdMaxRequestBytes }, cancellationToken);
                environment = new() { ["DATASTORE_TYPE"] = "etcdv3", ["ETCD_ENDPOINTS"] = etcd.Endpoint };
            }
            else
            {
                environment = new() { ["DATASTORE_PATH"] = dir.Combine($"store-{Guid.NewGuid():N}.db") };
            }
            var apply = await TimeAsync(environment, ["apply", "-f", file], $"Successfully applied {count} 'WorkloadEndpoint' resource(s)", cancellationToken);
            var get = await TimeAsync(environment, ["get", "wep", "-A", "-o", "json"], "\"kind\": \"WorkloadEndpointList\"", cancellationToken);
            return (apply, get);
        }
        finally
        {
            if (etcd is not null) await etcd.DisposeAsync();
        }
    }

    private static async Task<double> TimeAsync(Dictionary<string, string?> environment, string[] args, string expected, CancellationToken cancellationToken)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = new CliConsole(TextReader.Null, stdout, stderr) { Environment = environment };
        var watch = Stopwatch.StartNew();
        var exit = await CliApplication.RunAsync(console, args, cancellationToken);
        watch.Stop();
        if (exit != 0 || !stdout.ToString().Contains(expected, StringComparison.Ordinal))
            throw new InvalidOperationException($"brindle {string.Join(' ', args)} failed (exit {exit}): {stderr}");
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Calico-shaped endpoints spread over 50 namespaces and 100 nodes, one /32 each.</summary>
    private static string Manifest(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var node = $"node-{i % 100}";
            var pod = $"pod-{i}";
            text.Append(CultureInfo.InvariantCulture, $"""
                ---
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata:
                  name: {node}-k8s-{pod}-eth0
                  namespace: ns-{i % 50}
                  labels:
                    app: app-{i % 20}
                spec:
                  orchestrator: k8s
                  node: {node}
                  pod: {pod}
                  endpoint: eth0
                  interfaceName: cali{i:x8}
                  ipNetworks:
                  - 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}/32
                  profiles:
                  - kns.ns-{i % 50}

                """);
        }
        return text.ToString();
    }

    private static string Join(List<double> values) => string.Join(", ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));
}
