using Brindle.Calculation.Messages;
using Brindle.Dataplane.Tests.Support;
using System.Text.Json.Nodes;
using Brindle.Platform;
using static Brindle.Dataplane.Tests.Support.Messages;

namespace Brindle.Dataplane.Nftables.Tests;

public sealed class NftablesDataplaneTests
{
    [Fact]
    public async Task ApplyAsync_FirstTime_ReadsKernelThenWritesOneTransaction()
    {
        var runner = new RecordingCommandRunner();
        var dataplane = new NftablesDataplane(runner, "node1");
        dataplane.OnUpdate(AllowAllProfile("p"));
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2", profiles: ["p"]));
        await dataplane.ApplyAsync();
        Assert.Equal(2, runner.Commands.Count);
        Assert.Equal(["-j", "list", "table", "inet", "brindle"], runner.Commands[0].Arguments);
        Assert.Equal("node1", runner.Commands[1].Namespace);
        Assert.StartsWith("add table inet brindle", runner.NftScripts.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prepare_NoTable_WritesTheGuardFirst_ThenTheFirstApplyReplacesItsBaseChains()
    {
        var runner = new RecordingCommandRunner();
        var dataplane = new NftablesDataplane(runner);
        dataplane.Prepare();
        dataplane.OnUpdate(AllowAllProfile("p"));
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2", profiles: ["p"]));

        Assert.True(await dataplane.GuardsWorkloadsAsync());
        var guard = runner.NftScripts.Single();
        foreach (var expected in new[] { "forward-egress iifname \"cali*\" drop", "forward-ingress oifname \"tap*\" drop", "input-host iifname \"cali*\" drop" })
        {
            Assert.Contains(expected, guard, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("wl-from-calia", guard, StringComparison.Ordinal);

        // Over the bare guard: sets and rules as two transactions (applied side by side), then the dispatch elements.
        await dataplane.ApplyAsync();
        var scripts = runner.NftScripts.Skip(1).ToList();
        Assert.Equal(3, scripts.Count);
        var (sets, rules) = (scripts[0], scripts[1]);   // started in this order, run side by side
        Assert.Contains("add set inet brindle pools4-all", sets, StringComparison.Ordinal);
        Assert.Contains("flush chain inet brindle forward-egress", rules, StringComparison.Ordinal);   // refilled in that transaction
        Assert.DoesNotContain("chain", sets, StringComparison.Ordinal);
        Assert.DoesNotContain("add element", rules, StringComparison.Ordinal);
        Assert.Equal("add element inet brindle wl-from-dispatch { \"calia\" : goto wl-from-calia }\nadd element inet brindle wl-to-dispatch { \"calia\" : goto wl-to-calia }\n", scripts[2]);
        Assert.All(scripts, s => Assert.DoesNotContain("add table", s, StringComparison.Ordinal));
        Assert.True(await dataplane.GuardsWorkloadsAsync());

        // Now live: the next change is one transaction again.
        dataplane.OnUpdate(Workload("b", "calib", "10.65.0.3", profiles: ["p"]));
        await dataplane.ApplyAsync();
        Assert.Equal(5, runner.NftScripts.Count());
    }

    [Fact]
    public async Task GuardsWorkloads_NotForATableOnlyReadBack_NorAfterAFailedApply_NorForOtherPrefixes()
    {
        var kernel = new RecordingCommandRunner();
        var written = new NftablesDataplane(kernel);
        written.OnUpdate(Workload("a", "calia", "10.65.0.2"));
        await written.ApplyAsync();
        var listing = KernelJson(written.Actual!);

        var fail = false;
        var runner = new RecordingCommandRunner(c =>
            c.Arguments.Contains("list") ? new CommandResult(0, listing, "")
            : c.Arguments.Contains("-f") && fail ? new CommandResult(1, "", "Error: Could not process rule")
            : RecordingCommandRunner.Default(c));
        var restarted = new NftablesDataplane(runner);
        restarted.Prepare();
        Assert.False(await restarted.GuardsWorkloadsAsync());   // rules read back: not vouched for
        Assert.Empty(runner.NftScripts);                       // a table exists: no guard written

        restarted.OnUpdate(Workload("a", "calia", "10.65.0.2"));
        await restarted.ApplyAsync();
        Assert.True(await restarted.GuardsWorkloadsAsync());

        restarted.OnUpdate(ConfigUpdate.Default with { WorkloadInterfacePrefixes = ["cali", "tap", "veth"] });
        Assert.False(await restarted.GuardsWorkloadsAsync());  // the kernel does not drop veth* yet

        fail = true;
        await Assert.ThrowsAsync<CommandFailedException>(() => restarted.ApplyAsync());
        fail = false;
        Assert.False(await restarted.GuardsWorkloadsAsync());
    }

    [Fact]
    public async Task ApplyAsync_NothingChanged_RunsNoCommand()
    {
        var runner = new RecordingCommandRunner();
        var dataplane = new NftablesDataplane(runner);
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2"));
        await dataplane.ApplyAsync();
        var count = runner.Commands.Count;
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2"));   // same value again
        var report = await dataplane.ApplyAsync();
        Assert.False(report.Changed);
        Assert.Equal(count, runner.Commands.Count);
    }

    [Fact]
    public async Task ApplyAsync_NftFails_ThrowsAndRereadsKernelNextTime()
    {
        var fail = true;
        var runner = new RecordingCommandRunner(c =>
            c.Arguments.Contains("-f") && fail ? new CommandResult(1, "", "Error: Could not process rule") : RecordingCommandRunner.Default(c));
        var dataplane = new NftablesDataplane(runner);
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2"));
        await Assert.ThrowsAsync<CommandFailedException>(() => dataplane.ApplyAsync());
        Assert.Null(dataplane.Actual);
        fail = false;
        await dataplane.ApplyAsync();
        Assert.Equal(2, runner.Commands.Count(c => c.Arguments.Contains("list")));
    }

    [Fact]
    public async Task ResyncAsync_KernelMatchesCache_WritesNothing()
    {
        string? kernel = null;
        var runner = new RecordingCommandRunner(c => c.Arguments.Contains("list") && kernel is not null ? new CommandResult(0, kernel, "") : RecordingCommandRunner.Default(c));
        var dataplane = new NftablesDataplane(runner);
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2"));
        dataplane.OnUpdate(InSync.Instance);
        await dataplane.ApplyAsync();
        kernel = KernelJson(dataplane.Actual!);
        var report = await dataplane.ResyncAsync();
        Assert.False(report.Changed);
        Assert.Single(runner.NftScripts);
    }

    /// <summary>What `nft -j list table` would print for a state (the parts the parser reads).</summary>
    private static string KernelJson(NftTableState state)
    {
        var items = new JsonArray { new JsonObject { ["table"] = new JsonObject { ["family"] = "inet", ["name"] = "brindle" } } };
        foreach (var set in state.Sets.Values)
        {
            var elements = new JsonArray([.. set.Elements.Select(e => (JsonNode)JsonValue.Create(e.Replace("/32", "", StringComparison.Ordinal))!)]);
            items.Add(new JsonObject { ["set"] = new JsonObject { ["name"] = set.Name, ["elem"] = elements } });
        }
        foreach (var map in state.Maps.Values)
        {
            var elements = new JsonArray();
            foreach (var (key, verdict) in map.Elements)
            {
                var parts = verdict.Split(' ');
                elements.Add(new JsonArray(JsonValue.Create(key), new JsonObject { [parts[0]] = new JsonObject { ["target"] = parts[1] } }));
            }
            items.Add(new JsonObject { ["map"] = new JsonObject { ["name"] = map.Name, ["elem"] = elements } });
        }
        foreach (var chain in state.Chains.Values)
        {
            items.Add(new JsonObject { ["chain"] = new JsonObject { ["name"] = chain.Name } });
            foreach (var rule in chain.Rules) items.Add(new JsonObject { ["rule"] = new JsonObject { ["chain"] = chain.Name, ["comment"] = "brindle:" + rule.Hash } });
        }
        return new JsonObject { ["nftables"] = items }.ToJsonString();
    }
}
