using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Brindle.Lab.TestBed;
using Brindle.Testing;

namespace Brindle.EndToEnd.Tests.Agent;

/// <summary>
/// A real <c>brindle node run</c> in its host namespace with its default ports: <c>/readiness</c> is 503 with the reason
/// while the dataplane cannot be programmed and turns 200 once it is, <c>/metrics</c> counts the workloads, the
/// failures and the rules, and a second agent in the same namespace stops with a one-line port error.
/// </summary>
public sealed class AgentObservabilityEndToEndTests
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task NodeRun_DefaultPorts_ReadinessFollowsTheDataplaneAndMetricsCountIt()
    {
        await using var cluster = await AgentCluster.CreateAsync("btobs", 1, AgentCluster.NamespaceAndPool);
        var ns = cluster.Node(1).Namespace;
        for (var i = 1; i <= 3; i++) await cluster.AddWorkloadAsync(1, $"w{i}", $"cali1w{i}", $"10.65.0.{i}", "web");

        // Fault injection: an nft on PATH that fails while the block file exists, then runs the real one.
        using var tools = new TempDirectory("brindle-btobs-path");
        var block = tools.Combine("block");
        File.WriteAllText(block, "");
        var nft = tools.Combine("nft");
        File.Create(nft, 0, FileOptions.None).Dispose();
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(nft, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(nft, $"#!/bin/sh\nif [ -e '{block}' ]; then echo 'Error: nft blocked by the test' >&2; exit 1; fi\nexec {RealNft()} \"$@\"\n");
        var path = $"{tools.Path}:{Environment.GetEnvironmentVariable("PATH")}";
        await using var agent = AgentProcess.Start(ns, cluster.Datastore, new Dictionary<string, string> { ["PATH"] = path },
            "node", "run", "--name", "n1", "--ip", "10.99.0.11/24", "--state-dir", cluster.StateDir(1), "--log-level", "info");

        // In sync with the datastore, but every apply fails: live, not ready, and the body says why.
        (int Status, string Body)? readiness = null;
        Assert.True(await AgentCluster.EventuallyAsync(async () =>
        {
            readiness = await GetAsync(ns, ObservabilityPort.Health, "/readiness");
            return readiness?.Body.Contains("nft blocked by the test", StringComparison.Ordinal) == true;
        }, Converge), $"readiness should report the failing apply: {readiness}\n{agent.Log}");
        Assert.Equal(503, readiness!.Value.Status);
        Assert.Equal(200, (await GetAsync(ns, ObservabilityPort.Health, "/liveness"))?.Status);
        var failing = await ScrapeAsync(ns);
        Assert.True(failing["felix_int_dataplane_failures"] >= 1);
        Assert.Equal(3, failing["felix_resync_state"]);

        // A second agent in the same namespace cannot take the health port: one line naming it and the flag, exit 1.
        var (exit, output) = await AgentProcess.RunCliAsync(ns, cluster.Datastore, "node", "run", "--name", "n1", "--ip", "10.99.0.11/24",
            "--state-dir", cluster.StateDir(1) + "-second", "--metrics-port", "0", "--log-level", "warning");
        Assert.Equal(1, exit);
        Assert.Contains("health port 9099 (the default) on 127.0.0.1 is already in use", output, StringComparison.Ordinal);
        Assert.Contains("--health-port 0", output, StringComparison.Ordinal);
        Assert.Single(output.Trim().Split('\n'));

        // The kernel accepts the table again: ready at the next retry, and the gauges count the three workloads.
        File.Delete(block);
        Assert.True(await AgentCluster.EventuallyAsync(async () => (await GetAsync(ns, ObservabilityPort.Health, "/readiness"))?.Status == 200, Converge),
            $"readiness should turn 200 once an apply succeeds: {await GetAsync(ns, ObservabilityPort.Health, "/readiness")}\n{agent.Log}");
        var ready = await ScrapeAsync(ns);
        Assert.Equal(3, ready["felix_active_local_endpoints"]);
        Assert.True(ready["brindle_nftables_rules"] > 0, "the nftables table's rules are counted");
        Assert.True(ready["brindle_routes"] >= 3, "a route per workload");
        Assert.True(ready["felix_int_dataplane_apply_time_seconds_count"] >= 2);
        Assert.True(ready["felix_calc_graph_updates_processed"] >= 3);
        Assert.True(ready["process_resident_memory_bytes"] > 10_000_000);
    }

    private enum ObservabilityPort
    {
        Health = 9099,
        Metrics = 9091,
    }

    private static string RealNft() =>
        new[] { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" }.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("nft is not installed (scripts/setup.sh)");

    private static async Task<Dictionary<string, double>> ScrapeAsync(string ns)
    {
        var reply = await GetAsync(ns, ObservabilityPort.Metrics, "/metrics");
        Assert.Equal(200, reply?.Status);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in reply!.Value.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            var space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return samples;
    }

    /// <summary>GET from 127.0.0.1 inside <paramref name="ns"/>; null while nothing listens there.</summary>
    private static async Task<(int Status, string Body)?> GetAsync(string ns, ObservabilityPort port, string path)
    {
        using var socket = NetnsSockets.Create(ns, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, (int)port), timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), timeout.Token);
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream);
            var response = await reader.ReadToEndAsync(timeout.Token);
            var status = int.Parse(response.Split(' ', 3)[1], CultureInfo.InvariantCulture);
            return (status, response.Split("\r\n\r\n", 2)[1]);
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
