using System.Diagnostics;
using System.Globalization;
using Brindle.Cli;
using Brindle.Lab;
using Brindle.Platform;
using Brindle.Policy;

namespace Brindle.Benchmarks.Lab;

using static Brindle.Benchmarks.Harness;

/// <summary>
/// <c>lab</c>: wall time of <c>brindle lab up</c> (3 and 10 nodes, agents, BGP Established, demo, routes everywhere)
/// and <c>lab down</c>, and of <c>lab check</c> with 100 real probes against the 12-probe demo-pair check in the
/// same run. Needs root. Usage: <c>lab [--runs N]</c> (default 3).
/// </summary>
internal sealed class LabScaleHarness : IScaleHarness
{
    private const string Name0 = "benchlab";

    public string Name => "lab";

    public string Description => "brindle lab up (3 and 10 nodes) / down, and lab check of 100 probes (needs root)";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var runs = args.Length >= 2 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        foreach (var nodes in new[] { 3, 10 })
        {
            var up = new List<double>();
            var down = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                var code = await CliAsync(output, "lab", "up", "--name", Name0, "--nodes", nodes.ToString(CultureInfo.InvariantCulture), "--underlay", "172.31.251.0/24");
                up.Add(clock.Elapsed.TotalSeconds);
                if (code != 0) { await CliAsync(output, "lab", "down", "--name", Name0); return 1; }
                if (nodes == 3 && run == 0) await CheckAsync(output, runs, cancellationToken);
                clock.Restart();
                await CliAsync(output, "lab", "down", "--name", Name0);
                down.Add(clock.Elapsed.TotalSeconds);
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"lab up, {nodes} nodes (agents, BGP Established, demo, routes everywhere): median {Median(up):0.00} s (runs: {string.Join(", ", up.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))}); lab down: median {Median(down):0.00} s"));
        }
        return 0;
    }

    private static async Task CheckAsync(TextWriter output, int runs, CancellationToken ct)
    {
        var state = (await LabCluster.LoadStateAsync(Name0, ct))!;
        var checker = new LabChecker(state, ProcessCommandRunner.Instance);
        var pairs = checker.MatrixProbes().Where(p => p.Protocol == 6 && p.DestinationPort == 80).ToList();
        var services = new (int Protocol, int? Port)[] { (6, 80), (6, 3306), (6, 443), (6, 8080), (17, 53), (17, 5353), (1, null), (6, 22), (17, 123) };
        var hundred = pairs.SelectMany(p => services.Select(s => p with { Protocol = s.Protocol, DestinationPort = s.Port, IcmpType = s.Protocol == 1 ? 8 : null, IcmpCode = s.Protocol == 1 ? 0 : null }))
            .Take(100).ToList();
        foreach (var (label, probes) in new[] { ("12 probes (demo pairs, TCP/80)", (IReadOnlyList<PolicyProbe>)pairs), ("100 probes (TCP, UDP, ICMP mixed)", hundred) })
        {
            var times = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                var (results, errors) = await checker.RunAsync(probes);
                times.Add(clock.Elapsed.TotalSeconds);
                if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
                if (run == 0) await output.WriteLineAsync($"  {label}: {results.Count(r => r.Allowed)} allowed, {results.Count(r => !r.Allowed)} denied");
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"lab check, {label}: median {Median(times):0.00} s"));
        }
    }

    private static async Task<int> CliAsync(TextWriter output, params string[] args)
    {
        using var text = new StringWriter();
        var code = await CliApplication.RunAsync(new CliConsole(TextReader.Null, text, text), args);
        if (code != 0) await output.WriteLineAsync($"brindle {string.Join(' ', args)} failed ({code}):\n{text}");
        return code;
    }
}
