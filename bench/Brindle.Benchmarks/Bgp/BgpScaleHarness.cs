using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Brindle.Bgp.Config;
using Brindle.Bgp.Model;
using Brindle.Testing.Bgp;

namespace Brindle.Benchmarks.Bgp;

using static Brindle.Benchmarks.Harness;

/// <summary>
/// Route propagation with real BIRD in namespaces (needs root and bird2): two hosts in a mesh.
/// <list type="number">
/// <item>New block on host A (config re-rendered, checked, <c>birdc configure</c>) until it is in host B's kernel.</item>
/// <item>New workload route in A's kernel (learned by BIRD's kernel scan) until it is in B's kernel: the same-run comparison.</item>
/// <item>With N routes announced by A, B's BIRD restarted (routes flushed first) until B's kernel has all N again.</item>
/// </list>
/// <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- bgp [--samples 20] [--routes 1000] [--restarts 5]</c>
/// </summary>
public sealed class BgpScaleHarness : IScaleHarness
{
    private static readonly BgpNodeInput[] Nodes = [BgpNodeInput.Of("node-a", "192.0.2.1"), BgpNodeInput.Of("node-b", "192.0.2.2")];
    private static readonly IPNetwork Pool = IPNetwork.Parse("10.65.0.0/16");
    private static readonly IPNetwork BorrowPool = IPNetwork.Parse("10.66.0.0/16");

    public string Name => "bgp";

    public string Description => "BGP: route add on host A -> host B's kernel (p50), and relearn time of N routes after a BIRD restart (root, bird2)";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var samples = Option(args, "--samples", 20);
        var routes = Option(args, "--routes", 1000);
        var restarts = Option(args, "--restarts", 5);

        await using var lab = await BgpNamespaceLab.CreateAsync("bench");
        foreach (var node in Nodes) await lab.AddRouterAsync(node.Name, node.IPv4Address!.ToString());
        await lab.ApplyAsync("node-a", Render(0, [], []));
        await lab.ApplyAsync("node-b", Render(1, [], []));
        await lab.WaitForEstablishedAsync("node-a", 1);
        await lab.WaitForEstablishedAsync("node-b", 1);

        // 1. Block added through a configuration change.
        var viaConfig = new List<double>();
        var blocks = new List<IPNetwork>();
        for (var i = 0; i < samples; i++)
        {
            var block = IPNetwork.Parse($"10.65.{100 + i}.0/26");
            blocks.Add(block);
            var clock = Stopwatch.StartNew();
            await lab.ApplyAsync("node-a", Render(0, blocks, []));
            await WaitForCountAsync(lab, "node-b", $"10.65.{100 + i}.0/26", 1);
            viaConfig.Add(clock.Elapsed.TotalMilliseconds);
        }

        // 2. Workload route added to the kernel (BIRD learns it on its next kernel scan).
        var borrowed = Enumerable.Range(0, Math.Max(samples, routes)).Select(i => IPNetwork.Parse($"10.66.{i / 250}.{i % 250 + 1}/32")).ToList();
        await lab.ApplyAsync("node-a", Render(0, blocks, borrowed));
        var viaKernel = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            await lab.Run("node-a", "ip", "route", "add", "blackhole", borrowed[i].ToString(), "proto", "static");
            await WaitForCountAsync(lab, "node-b", borrowed[i].BaseAddress.ToString(), 1);
            viaKernel.Add(clock.Elapsed.TotalMilliseconds);
        }

        // 3. N routes, then B's BIRD restarted from nothing.
        var batch = new StringBuilder();
        foreach (var route in borrowed.Skip(samples).Take(routes - samples)) batch.Append("route add blackhole ").Append(route).Append(" proto static\n");
        var initial = Stopwatch.StartNew();
        var batchFile = Path.Combine(lab.Directory, "routes.batch");
        await File.WriteAllTextAsync(batchFile, batch.ToString(), cancellationToken);
        await lab.Run("node-a", "ip", "-batch", batchFile);
        await WaitForCountAsync(lab, "node-b", "10.66.", routes);
        var initialMs = initial.Elapsed.TotalMilliseconds;

        var relearn = new List<double>();
        for (var i = 0; i < restarts; i++)
        {
            await lab.Bird("node-b").StopAsync(cancellationToken);
            await lab.Run("node-b", "ip", "route", "flush", "proto", "bird");
            var clock = Stopwatch.StartNew();
            if (!await lab.Bird("node-b").EnsureRunningAsync(cancellationToken)) throw new InvalidOperationException("node-b's BIRD did not restart");
            await WaitForCountAsync(lab, "node-b", "10.66.", routes);
            relearn.Add(clock.Elapsed.TotalMilliseconds);
        }

        output.WriteLine($"bgp harness: 2 hosts, full mesh, {await BirdVersionAsync(lab)}, {Environment.ProcessorCount} cores");
        output.WriteLine($"new block via config reload -> peer kernel   ({samples} samples): {Summary(viaConfig)}");
        output.WriteLine($"new workload route in kernel -> peer kernel  ({samples} samples): {Summary(viaKernel)}");
        output.WriteLine($"{routes} routes added at once -> all in peer kernel: {initialMs:0} ms");
        output.WriteLine($"peer BIRD restarted (kernel flushed) -> {routes} routes back ({restarts} restarts): {Summary(relearn)}");
        return 0;
    }

    private static string Render(int index, IReadOnlyList<IPNetwork> extraBlocks, IReadOnlyList<IPNetwork> borrowed) =>
        BirdConfigRenderer.Render(new BgpInput(Nodes[index], Nodes, new BgpSettings(), [], [new BgpPoolInput(Pool), new BgpPoolInput(BorrowPool)],
            [IPNetwork.Parse($"10.65.{index}.0/26"), .. extraBlocks], borrowed));

    /// <summary>Polls the router's kernel until at least <paramref name="count"/> BIRD routes start with <paramref name="prefix"/>.</summary>
    private static async Task WaitForCountAsync(BgpNamespaceLab lab, string router, string prefix, int count)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            var routes = (await lab.Run(router, "ip", "-4", "route", "show", "proto", "bird")).StandardOutput.Split('\n');
            if (routes.Count(r => r.StartsWith(prefix, StringComparison.Ordinal)) >= count) return;
            await Task.Delay(5);
        }
        throw new TimeoutException($"{router} never had {count} routes starting with {prefix}");
    }

    private static async Task<string> BirdVersionAsync(BgpNamespaceLab lab) =>
        (await lab.Bird("node-a").Birdc(default, "show", "status")).StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("BIRD ", StringComparison.Ordinal))?.Replace(" ready.", "", StringComparison.Ordinal).Trim() ?? "?";

    private static string Summary(List<double> ms)
    {
        var sorted = ms.Order().ToList();
        double P(double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.5):0} ms, p90 {P(0.9):0} ms, min {sorted[0]:0} ms, max {sorted[^1]:0} ms");
    }
}
