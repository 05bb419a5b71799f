using System.Diagnostics;
using System.Net;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Nftables;
using Brindle.Platform;

namespace Brindle.Benchmarks.Dataplane;

using static Brindle.Benchmarks.Harness;

/// <summary>
/// Programs W workloads with P policies (and S IP sets) into a scratch network namespace through
/// <see cref="NftablesDataplane"/>, then changes one policy, and compares each with the kernel floor measured in
/// the same run: <c>nft -f -</c> of exactly the script Brindle produced (so the difference is Brindle's own cost:
/// reading the table, rendering, hashing, diffing).
/// Usage: <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- dataplane [--workloads 500] [--policies 100] [--runs 7]</c> (root).
/// </summary>
internal sealed class DataplaneScaleHarness : IScaleHarness
{
    private const int ChangesPerRun = 6;

    public string Name => "dataplane";

    public string Description => "nftables dataplane: first programming and one policy change vs nft -f of the same script";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var workloads = Option(args, "--workloads", 500);
        var policies = Option(args, "--policies", 100);
        var runs = Option(args, "--runs", 7);
        var sets = Math.Max(1, policies / 2);
        var runner = ProcessCommandRunner.Instance;
        var ns = $"bdp-{Environment.ProcessId}";
        (await runner.RunAsync(CommandSpec.Of("ip", "netns", "add", ns), cancellationToken)).EnsureSuccess(CommandSpec.Of("ip", "netns", "add", ns));
        try
        {
            var messages = Scenario(workloads, policies, sets);
            var changed = ChangedPolicy(policies, sets);
            var original = PolicyNumber(policies / 2, sets, 80);
            var first = new List<double>();
            var firstFloor = new List<double>();
            var change = new List<double>();
            var changeFloor = new List<double>();
            var rules = 0;
            var cpu = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                await DeleteTableAsync(runner, ns, cancellationToken);
                var dataplane = new NftablesDataplane(runner, ns);
                var sw = Stopwatch.StartNew();
                foreach (var m in messages) dataplane.OnUpdate(m);
                await dataplane.ApplyAsync(cancellationToken);
                first.Add(sw.Elapsed.TotalMilliseconds);
                var firstScript = dataplane.LastScript;
                rules = dataplane.Actual!.RuleCount;

                // Several changes per run, alternating between two versions of one policy (a long-running agent's
                // steady state, with the JIT warmed up).
                var firstChangeScript = "";
                for (var c = 0; c < ChangesPerRun; c++)
                {
                    sw.Restart();
                    dataplane.OnUpdate(c % 2 == 0 ? changed : original);
                    await dataplane.ApplyAsync(cancellationToken);
                    change.Add(sw.Elapsed.TotalMilliseconds);
                    if (c == 0) firstChangeScript = dataplane.LastScript;
                }

                // Brindle's own CPU part alone: model, render and diff against an empty table (no I/O).
                sw.Restart();
                var model = new Brindle.Dataplane.Model.DataplaneModel();
                foreach (var m in messages) model.OnUpdate(m);
                _ = NftablesDelta.Compute(NftablesRenderer.Render(model), NftTableState.Missing, deleteStale: true).Script.Length;
                cpu.Add(sw.Elapsed.TotalMilliseconds);

                // Kernel floor, same run: the same scripts through nft -f (the change applied on top of the first programming).
                await DeleteTableAsync(runner, ns, cancellationToken);
                firstFloor.Add(await TimeNftAsync(runner, ns, firstScript, cancellationToken));
                changeFloor.Add(await TimeNftAsync(runner, ns, firstChangeScript, cancellationToken));
            }

            output.WriteLine($"dataplane: {workloads} workloads, {policies} policies, {sets} IP sets, {rules} rules; {runs} runs; medians");
            output.WriteLine($"  first programming : brindle {Median(first),8:F1} ms   nft -f same script {Median(firstFloor),8:F1} ms   ratio {Median(first) / Median(firstFloor):F2}");
            output.WriteLine($"  (of which model + render + diff, no I/O: {Median(cpu):F1} ms)");
            output.WriteLine($"  one policy change : brindle {Median(change),8:F1} ms   nft -f same script {Median(changeFloor),8:F1} ms   ratio {Median(change) / Median(changeFloor):F2}");
            return 0;
        }
        finally
        {
            await runner.RunAsync(CommandSpec.Of("ip", "netns", "del", ns), CancellationToken.None);
        }
    }

    private static async Task DeleteTableAsync(ICommandRunner runner, string ns, CancellationToken ct) =>
        await runner.RunAsync(new CommandSpec("nft", ["-f", "-"]) { StandardInput = "add table inet brindle\ndelete table inet brindle\n" }.InNamespace(ns), ct);

    private static async Task<double> TimeNftAsync(ICommandRunner runner, string ns, string script, CancellationToken ct)
    {
        var command = new CommandSpec("nft", ["-f", "-"]) { StandardInput = script }.InNamespace(ns);
        var sw = Stopwatch.StartNew();
        (await runner.RunAsync(command, ct)).EnsureSuccess(command);
        return sw.Elapsed.TotalMilliseconds;
    }

    /// <summary>Policies with 3 rules each (a set source, a port list, a CIDR); each workload has 2 ingress and 1 egress policy and a profile.</summary>
    internal static List<DataplaneMessage> Scenario(int workloads, int policies, int sets)
    {
        var messages = new List<DataplaneMessage> { new ActiveProfileUpdate("kns.default", [new Rule(RuleAction.Allow)], [new Rule(RuleAction.Allow)]) };
        for (var s = 0; s < sets; s++)
        {
            messages.Add(new IPSetUpdate($"s:set{s}", IPSetType.Nets, ValueList.From(Enumerable.Range(0, 20).Select(i => IPSetMember.Of($"10.{64 + s / 200}.{s % 200}.{i + 1}")))));
        }
        for (var p = 0; p < policies; p++) messages.Add(PolicyNumber(p, sets, 80));
        for (var w = 0; w < workloads; w++)
        {
            var tier = new TierInfo("default",
                [new PolicyId("default", $"pol{w % policies}"), new PolicyId("default", $"pol{(w + 1) % policies}")],
                [new PolicyId("default", $"pol{(w + 2) % policies}")]);
            messages.Add(new WorkloadEndpointUpdate(new WorkloadEndpointId("k8s", $"ns/wl{w}", "eth0"), $"cali{w:x11}", null,
                [new IPNetwork(IPAddress.Parse($"10.80.{w / 250}.{w % 250 + 1}"), 32)], default, [tier], ["kns.default"]));
        }
        messages.Add(InSync.Instance);
        return messages;
    }

    internal static DataplaneMessage ChangedPolicy(int policies, int sets) => PolicyNumber(policies / 2, sets, 8443);

    private static ActivePolicyUpdate PolicyNumber(int p, int sets, int port)
    {
        Rule[] rules =
        [
            new(RuleAction.Allow) { Protocol = IPProtocols.Tcp, SrcIPSetIds = [$"s:set{p % sets}"], DstPorts = [PortRange.Single(port)] },
            new(RuleAction.Allow) { Protocol = IPProtocols.Udp, DstPorts = [PortRange.Single(53), new PortRange(5000, 5100)] },
            new(RuleAction.Deny) { SrcNets = [IPNetwork.Parse($"10.{96 + p % 100}.0.0/16")] },
        ];
        return new ActivePolicyUpdate(new PolicyId("default", $"pol{p}"), rules, rules);
    }
}
