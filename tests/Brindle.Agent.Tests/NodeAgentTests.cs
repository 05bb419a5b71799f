using Brindle.Agent.Status;
using Brindle.Api;
using Brindle.Datastore.Kv;
using Brindle.Platform;
using Brindle.Agent.Registration.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Agent.Tests;

/// <summary>The composition with fakes: an in-memory store and a runner that plays an empty kernel.</summary>
public sealed class NodeAgentTests
{
    private static CommandResult EmptyKernel(CommandSpec c) =>
        c.FileName == "nft" && c.Arguments.Contains("list") ? new CommandResult(1, "", "Error: No such file or directory")
        : c.FileName == "ip" && c.Arguments.Contains("-j") ? new CommandResult(0, "[]", "")
        : new CommandResult(0, "", "");

    [Fact]
    public async Task RunAsync_WorkloadWritten_ProgramsItAndReportsInSync()
    {
        await using var kv = new InMemoryKeyValueStore();
        var runner = new ScriptedRunner(EmptyKernel);
        var options = new AgentOptions("n1", Path.Combine(Path.GetTempPath(), $"brindle-agent-test-{Guid.NewGuid():N}"))
        {
            IPv4Address = "10.99.0.11/24",
            EnableBgp = false,
            StatusInterval = TimeSpan.FromMilliseconds(100),
        };
        var agent = new NodeAgent(options, kv, runner, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var run = agent.RunAsync(stop.Token);
        try
        {
            var wep = new WorkloadEndpoint
            {
                Metadata = new() { Name = "n1-k8s-a-eth0", Namespace = "default" },
                Spec = new() { Node = "n1", Orchestrator = "k8s", Pod = "a", Endpoint = "eth0", InterfaceName = "cali1234", IPNetworks = [Cidr.Parse("10.65.0.1/32")] },
            };
            await kv.PutAsync(wep.Key, ResourceCodec.ToJson(wep));
            // The agent's record says "in sync" once the datastore is and an apply succeeded, and counts the endpoints the
            // graph knows: the apply that programs this one may still be under way, so wait for its commands too.
            bool Programmed(string program, string text) => runner.Commands.Any(c => c.FileName == program && (c.StandardInput ?? "").Contains(text, StringComparison.Ordinal));
            AgentStatusRecord? record = null;
            for (var i = 0; i < 100 && (record is not { State: AgentState.InSync, Endpoints: 1 } || !Programmed("nft", "cali1234") || !Programmed("ip", "10.65.0.1")); i++)
            {
                await Task.Delay(100);
                var kvRecord = await kv.GetAsync(AgentStatusRecord.KeyFor("n1"));
                record = kvRecord is null ? null : AgentStatusRecord.FromJson(kvRecord.Value);
            }
            Assert.Equal(AgentState.InSync, record?.State);
            Assert.Equal(1, record!.Endpoints);
            Assert.True(Programmed("nft", "cali1234"));
            Assert.True(Programmed("ip", "10.65.0.1"));
            Assert.NotNull(await kv.GetAsync(Brindle.Api.ResourceKinds.Node.KeyFor(null, "n1")));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            Directory.Delete(options.StateDirectory, recursive: true);
        }
        Assert.Null(await kv.GetAsync(AgentStatusRecord.KeyFor("n1")));   // lease revoked on a clean stop
    }

    [Fact]
    public void StatusRecord_JsonRoundTrip_KeepsEverything()
    {
        var record = new AgentStatusRecord("n1", AgentState.InSync, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1), 12.5, 3, 2, 1, 4, null, "bad peer",
            [new BgpSessionRecord("Mesh_10_0_0_2", "10.0.0.2", "NodeToNodeMesh", "up", "Established", "2026-01-01 00:00:00", "Established", null, 64512, 64512)]);
        var back = AgentStatusRecord.FromJson(record.ToJson());
        Assert.NotNull(back);
        Assert.Equal(record with { BgpSessions = [] }, back with { BgpSessions = [] });
        Assert.Equal(record.BgpSessions, back.BgpSessions);
        Assert.Contains("\"in-sync\"", record.ToJson(), StringComparison.Ordinal);
        Assert.True(back.BgpSessions[0].ToStatus().IsEstablished);
    }
}
