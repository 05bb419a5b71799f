using System.Diagnostics;
using System.Globalization;
using System.Text;
using Brindle.Api;
using Brindle.Datastore.Etcd;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;
using Brindle.Datastore.Sqlite;
using Brindle.Testing;

namespace Brindle.Benchmarks.Datastore;

using static Brindle.Benchmarks.Harness;

/// <summary>
/// Embedded (SQLite) vs etcd, in one run: single put latency, one 10k-put transaction, list of 10k keys, watch event
/// latency (same store instance, and for SQLite a second instance that only the file notification wakes), and apply +
/// list of 10,000 WorkloadEndpoints through <see cref="ResourceStore"/>.
/// <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- datastore [--keys N] [--runs N]</c>
/// </summary>
public sealed class DatastoreScaleHarness : IScaleHarness
{
    private const int DefaultKeys = 10_000;
    private const int DefaultRuns = 5;
    private const int LatencySamples = 200;
    private static readonly string Value = new('v', 200);

    public string Name => "datastore";

    public string Description => "embedded SQLite vs etcd: put latency, 10k-put txn, 10k list, watch latency, 10k WorkloadEndpoints";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var keys = Option(args, "--keys", DefaultKeys);
        var runs = Option(args, "--runs", DefaultRuns);
        using var dir = new TempDirectory("brindle-bench");
        await using var etcd = await EtcdServer.StartAsync(new EtcdServerOptions { MaxTxnOps = keys * 2, MaxRequestBytes = 256L * 1024 * 1024 }, cancellationToken);
        var sqlitePath = dir.Combine("bench.db");

        var rows = new List<(string Metric, string Sqlite, string Etcd, string Ratio)>();
        var sqlite = await MeasureAsync(() => Task.FromResult<IKeyValueStore>(SqliteKeyValueStore.Open(sqlitePath)), keys, runs, cancellationToken);
        var etcdFigures = await MeasureAsync(async () => await EtcdKeyValueStore.ConnectAsync(new EtcdKeyValueStoreOptions { Endpoints = [etcd.Endpoint] }, cancellationToken), keys, runs, cancellationToken);

        output.WriteLine($"datastore harness: {keys} keys, {runs} runs per figure (medians), value {Value.Length} bytes; etcd {etcd.Endpoint} (pid {etcd.ProcessId}), SQLite {sqlitePath}");
        output.WriteLine($"{"metric",-44} {"SQLite",12} {"etcd",12} {"etcd/SQLite",12}");
        foreach (var (metric, s) in sqlite)
        {
            var e = etcdFigures.TryGetValue(metric, out var v) ? v : double.NaN;
            output.WriteLine($"{metric,-44} {Fmt(s),12} {Fmt(e),12} {(double.IsNaN(e) ? "-" : (e / s).ToString("0.0", CultureInfo.InvariantCulture) + "x"),12}");
        }
        return 0;
    }

    private static async Task<Dictionary<string, double>> MeasureAsync(Func<Task<IKeyValueStore>> open, int keys, int runs, CancellationToken ct)
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        await using var store = await open();
        await using var second = await open();

        // Single put latency.
        var puts = new List<double>();
        for (var i = 0; i < LatencySamples; i++)
        {
            var sw = Stopwatch.StartNew();
            await store.PutAsync($"/bench/single/{i % 10}", Value, cancellationToken: ct);
            puts.Add(sw.Elapsed.TotalMilliseconds);
        }
        figures["put latency, sequential (ms)"] = Median(puts);

        // One transaction of `keys` puts, then list them.
        var txns = new List<double>();
        var lists = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var prefix = $"/bench/txn{run}/";
            var ops = Enumerable.Range(0, keys).Select(i => KvOperation.Put($"{prefix}{i:D6}", Value)).ToList();
            var sw = Stopwatch.StartNew();
            var result = await store.TransactAsync([], ops, ct);
            txns.Add(sw.Elapsed.TotalMilliseconds);
            if (!result.Succeeded) throw new InvalidOperationException("transaction failed");
            sw.Restart();
            var list = await store.ListAsync(prefix, ct);
            lists.Add(sw.Elapsed.TotalMilliseconds);
            if (list.Items.Count != keys) throw new InvalidOperationException($"listed {list.Items.Count} of {keys}");
        }
        figures[$"one {keys}-put transaction (ms)"] = Median(txns);
        figures[$"list {keys} keys (ms)"] = Median(lists);

        // Watch latency: put, then wait for the event.
        figures["watch latency, same instance (ms)"] = await WatchLatencyAsync(store, store, ct);
        figures["watch latency, other instance (ms)"] = await WatchLatencyAsync(store, second, ct);

        // Typed resources: apply 10k WorkloadEndpoints in one transaction, list and decode them.
        var docs = ResourceCodec.Read(WorkloadEndpointsYaml(keys), "bench").Documents;
        var resources = new ResourceStore(store);
        var applies = new List<double>();
        var gets = new List<double>();
        for (var run = 0; run < Math.Min(runs, 3); run++)
        {
            var sw = Stopwatch.StartNew();
            var applied = await resources.ApplyAllAsync(docs, cancellationToken: ct);
            applies.Add(sw.Elapsed.TotalMilliseconds);
            if (!applied.Succeeded) throw new InvalidOperationException(string.Join("; ", applied.Errors));
            sw.Restart();
            var listed = await resources.ListAsync(ResourceKinds.WorkloadEndpoint, null, ct);
            gets.Add(sw.Elapsed.TotalMilliseconds);
            if (listed.Items.Count != keys) throw new InvalidOperationException($"listed {listed.Items.Count} WorkloadEndpoints");
        }
        var raw = (await store.ListAsync(ResourceKinds.WorkloadEndpoint.Prefix(), ct)).Items;
        var decodes = new List<double>();
        var fastDecodes = new List<double>();
        for (var run = 0; run < Math.Min(runs, 3); run++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var kv in raw) ResourceCodec.FromJson(kv.Value);
            decodes.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            foreach (var kv in raw) ResourceStorageCodec.FromJson(kv.Value);
            fastDecodes.Add(sw.Elapsed.TotalMilliseconds);
        }
        figures[$"apply {keys} WorkloadEndpoints, one txn (ms)"] = Median(applies);
        figures[$"decode only, {keys} WorkloadEndpoints (ms)"] = Median(decodes);
        figures[$"decode only, ResourceStorageCodec, {keys} WorkloadEndpoints (ms)"] = Median(fastDecodes);
        figures[$"get (list+decode) {keys} WorkloadEndpoints (ms)"] = Median(gets);
        return figures;
    }

    private static async Task<double> WatchLatencyAsync(IKeyValueStore writer, IKeyValueStore watcher, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var start = (await writer.ListAsync("/bench/watch/", ct)).Revision + 1;
        var arrivals = new System.Collections.Concurrent.ConcurrentDictionary<long, long>();
        var pump = Task.Run(async () =>
        {
            await foreach (var e in watcher.WatchAsync("/bench/watch/", start, cts.Token)) arrivals[e.Revision] = Stopwatch.GetTimestamp();
        }, CancellationToken.None);
        var samples = new List<double>();
        for (var i = 0; i < LatencySamples / 2; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var put = await writer.PutAsync("/bench/watch/k", i.ToString(CultureInfo.InvariantCulture), cancellationToken: ct);
            long arrived;
            while (!arrivals.TryGetValue(put.Revision, out arrived)) await Task.Yield();
            samples.Add(Stopwatch.GetElapsedTime(t0, arrived).TotalMilliseconds);
        }
        await cts.CancelAsync();
        try
        {
            await pump;
        }
        catch (OperationCanceledException)
        {
        }
        return Median(samples);
    }

    private static string WorkloadEndpointsYaml(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata:
                  name: node{i % 50}-k8s-pod{i}-eth0
                  namespace: ns{i % 20}
                  labels: {"{"}app: app{i % 100}, projectcalico.org/namespace: ns{i % 20}{"}"}
                spec:
                  orchestrator: k8s
                  node: node{i % 50}
                  pod: pod{i}
                  endpoint: eth0
                  interfaceName: cali{i:x11}
                  ipNetworks: [10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}/32]
                  profiles: [kns.ns{i % 20}]
                ---

                """);
        }
        return text.ToString();
    }

    private static string Fmt(double v) => double.IsNaN(v) ? "-" : v.ToString(v < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
