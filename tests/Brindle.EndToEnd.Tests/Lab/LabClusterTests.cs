using System.Globalization;
using Brindle.Api;
using Brindle.Cli;
using Brindle.Platform;
using Brindle.Policy;

namespace Brindle.Lab.Tests;

/// <summary>
/// The whole lab for real: <c>brindle lab up</c> (3 nodes, agents, BIRD, demo), BGP Established everywhere, the demo
/// matrix with real packets equal to <c>brindle policy simulate</c> on the same resources, and <c>lab down</c>
/// leaving no namespace and no process.
/// </summary>
public sealed class LabClusterTests
{
    private static readonly ICommandRunner Runner = ProcessCommandRunner.Instance;

    [LabFact]
    public Task UpCheckDown_Embedded_BgpEstablishedMatrixMatchesSimulation() => RunLabAsync("embedded", "mesh");

    [LabFact]
    public Task UpCheckDown_Etcd_RouteReflector_BgpEstablishedMatrixMatchesSimulation() => RunLabAsync("etcd", "rr");

    private static async Task RunLabAsync(string datastore, string bgp)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"lt{Environment.ProcessId % 10000}{datastore[0]}");
        try
        {
            var (code, output) = await CliAsync("lab", "up", "--name", name, "--datastore", datastore, "--bgp", bgp, "--underlay", "172.31.250.0/24");
            Assert.True(code == 0, output);
            Assert.Contains("sessions Established", output, StringComparison.Ordinal);

            var (again, refusal) = await CliAsync("lab", "up", "--name", name);
            Assert.Equal(ExitCodes.Failure, again);
            Assert.Contains($"brindle lab down --name {name}", refusal, StringComparison.Ordinal);

            var state = (await LabCluster.LoadStateAsync(name, CancellationToken.None))!;
            var nodes = await new LabStatus(Runner).NodesAsync(state, CancellationToken.None);
            var sessions = nodes.SelectMany(n => n.Sessions).ToList();
            Assert.Equal(bgp == "mesh" ? 6 : 4, sessions.Count);
            Assert.All(sessions, s => Assert.True(s.IsEstablished, $"{s.ProtocolName} {s.PeerAddress}: {s.BgpState} {s.Info}"));
            Assert.All(nodes, n => Assert.StartsWith("running", n.Agent, StringComparison.Ordinal));

            var checker = new LabChecker(state, Runner);
            var (results, errors) = await checker.RunAsync(checker.MatrixProbes());
            Assert.Empty(errors);
            var evaluator = Simulation(state);
            var mismatches = results
                .Where(r => PolicySimulation.TryEvaluate(evaluator, r.Probe, false, out var v, out _) && v!.Allowed != r.Allowed)
                .Select(r => $"{r.Probe.Source} -> {r.Probe.Destination} {r.Probe.Protocol}/{r.Probe.DestinationPort}: real {(r.Allowed ? "Allow" : "Deny")}")
                .ToList();
            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
            Assert.Contains(results, r => r.Allowed);
            Assert.Contains(results, r => !r.Allowed);
            Assert.Contains(results, r => r.Allowed && state.Workloads.First(w => $"{w.Namespace}/{w.Name}" == r.Probe.Source).Node
                != state.Workloads.First(w => $"{w.Namespace}/{w.Name}" == r.Probe.Destination).Node);
        }
        finally
        {
            var (down, output) = await CliAsync("lab", "down", "--name", name);
            Assert.True(down == 0, output);
        }
        var left = (await Runner.RunAsync(CommandSpec.Of("ip", "netns", "list"))).StandardOutput;
        Assert.DoesNotContain(left.Split('\n'), l => LabLayout.BelongsTo(name, l.Split(' ')[0]));
        var processes = (await Runner.RunAsync(CommandSpec.Of("pgrep", "-af", $"--name {name}-|node run --name {name}-"))).StandardOutput;
        Assert.True(processes.Trim().Length == 0, processes);
    }

    /// <summary>The demo's policy and profile plus the endpoints as they were made (with their addresses), for the simulator.</summary>
    private static PolicyEvaluator Simulation(LabState state)
    {
        var demo = ResourceCodec.Read(LabDemo.Manifest(), "demo.yaml").Documents.Select(d => d.Resource).ToList();
        var resources = demo.Select(r => r is WorkloadEndpoint e
            ? e with { Spec = e.Spec with { IPNetworks = [Cidr.Parse(state.Workloads.Single(w => w.Name == e.Name).Address + "/32")] } }
            : r);
        var (evaluator, errors, _) = PolicySimulation.Load([("lab", ResourceCodec.WriteYaml(resources))]);
        Assert.Empty(errors);
        return evaluator!;
    }

    private static async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        var code = await CliApplication.RunAsync(new CliConsole(TextReader.Null, output, output), args);
        return (code, output.ToString());
    }
}
