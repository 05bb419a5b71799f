using System.Diagnostics;
using System.Globalization;
using System.Net;
using Brindle.Api;
using Brindle.Bgp.Ports;
using Brindle.Datastore.Resources;
using Brindle.Datastore.Sqlite;
using Brindle.Lab.TestBed;
using Brindle.Platform;
using Brindle.Testing;

namespace Brindle.Benchmarks.Agent;

using static Brindle.Benchmarks.Harness;

/// <summary>
/// End to end through two real agents (<c>brindle node run</c> processes in namespaces, embedded store, BIRD mesh):
/// from writing a WorkloadEndpoint for host A to (a) its route (programmed after its nft chain) in A's kernel and
/// (b) its route in host B's kernel. The workload's veth exists before the write (not timed).
/// <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- agent [--samples 20]</c> (root, bird2, nftables)
/// </summary>
public sealed class AgentScaleHarness : IScaleHarness
{
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(20);

    public string Name => "agent";

    public string Description => "Agent: WorkloadEndpoint write -> programmed on host A, -> route in host B's kernel (p50; root, bird2)";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var samples = args.SkipWhile(a => a != "--samples").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(20);
        using var dir = new TempDirectory("brindle-agent-bench");
        var db = dir.Combine("brindle.db");
        var agents = new List<Process>();
        await using var bed = await NamespaceTestBed.CreateAsync("bagent", cancellationToken: cancellationToken);
        try
        {
            var fabric = await bed.CreateNodeAsync("fab", cancellationToken);
            await bed.RunAsync(fabric.Namespace, cancellationToken, "link", "add", "br0", "type", "bridge");
            await bed.RunAsync(fabric.Namespace, cancellationToken, "link", "set", "br0", "up");
            var hosts = new List<TestNode>();
            for (var k = 1; k <= 2; k++)
            {
                var node = await bed.CreateNodeAsync($"h{k}", cancellationToken);
                await bed.RunAsync(node.Namespace, cancellationToken, "link", "add", "uplink0", "type", "veth", "peer", "name", $"down{k}", "netns", fabric.Namespace);
                await bed.RunAsync(node.Namespace, cancellationToken, "addr", "add", $"10.99.0.1{k}/24", "dev", "uplink0");
                await bed.RunAsync(node.Namespace, cancellationToken, "link", "set", "uplink0", "up");
                await bed.RunAsync(fabric.Namespace, cancellationToken, "link", "set", $"down{k}", "master", "br0", "up");
                hosts.Add(node);
            }
            await using var kv = SqliteKeyValueStore.Open(db);
            var store = new ResourceStore(kv);
            await store.ApplyAsync(new IPPool { Metadata = new() { Name = "pool1" }, Spec = new() { Cidr = Cidr.Parse("10.65.0.0/16") } }, cancellationToken);
            for (var k = 1; k <= 2; k++) agents.Add(StartAgent(hosts[k - 1].Namespace, db, $"h{k}", $"10.99.0.1{k}/24", dir.Combine($"h{k}")));

            // Warm-up workload: both agents in sync, BGP up, route across.
            var local = new List<double>();
            var remote = new List<double>();
            for (var i = 0; i <= samples; i++)
            {
                var ip = $"10.65.{i / 200}.{i % 200 + 1}";
                var iface = $"calib{i}";
                await bed.CreateWorkloadAsync(hosts[0], $"w{i}", iface, IPAddress.Parse(ip), cancellationToken: cancellationToken);
                var clock = Stopwatch.StartNew();
                await store.ApplyAsync(new WorkloadEndpoint
                {
                    Metadata = new() { Name = $"h1-k8s-w{i}-eth0", Namespace = "default" },
                    Spec = new() { Node = "h1", Orchestrator = "k8s", Pod = $"w{i}", Endpoint = "eth0", InterfaceName = iface, IPNetworks = [Cidr.Parse(ip + "/32")] },
                }, cancellationToken);
                var timeout = i == 0 ? TimeSpan.FromSeconds(60) : SampleTimeout;
                var onA = WaitForRouteAsync(bed.Runner, hosts[0].Namespace, ip, "dev " + iface, clock, timeout, cancellationToken);
                var onB = WaitForRouteAsync(bed.Runner, hosts[1].Namespace, ip, "proto bird", clock, timeout, cancellationToken);
                var (a, b) = (await onA, await onB);
                if (i == 0) continue;   // warm-up: agent start, first sync, BGP session set-up
                local.Add(a);
                remote.Add(b);
            }
            output.WriteLine($"agent harness: 2 hosts, embedded store (SQLite, inotify-woken watch), BIRD mesh, {Environment.ProcessorCount} cores, {samples} samples");
            output.WriteLine($"WorkloadEndpoint write -> route (after its nft chain) on host A: {Summary(local)}");
            output.WriteLine($"WorkloadEndpoint write -> route in host B's kernel:              {Summary(remote)}");
            return 0;
        }
        finally
        {
            foreach (var agent in agents)
            {
                if (!agent.HasExited) LinuxProcessSignaller.Instance.Terminate(agent.Id);
                if (!agent.WaitForExit(TimeSpan.FromSeconds(10))) agent.Kill();
                agent.Dispose();
            }
        }
    }

    private static async Task<double> WaitForRouteAsync(ICommandRunner runner, string ns, string ip, string expect, Stopwatch clock, TimeSpan timeout, CancellationToken ct)
    {
        while (clock.Elapsed < timeout)
        {
            var result = await runner.RunAsync(CommandSpec.Of("ip", "-n", ns, "route", "show", ip + "/32"), ct);
            if (result.StandardOutput.Contains(expect, StringComparison.Ordinal)) return clock.Elapsed.TotalMilliseconds;
            await Task.Delay(5, ct);
        }
        throw new TimeoutException($"route {ip} ({expect}) did not appear in {ns} within {timeout.TotalSeconds} s");
    }

    private static string Summary(List<double> values)
    {
        var sorted = values.Order().ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.5):F0} ms, p90 {P(0.9):F0} ms, min {sorted[0]:F0} ms, max {sorted[^1]:F0} ms");
    }
}
