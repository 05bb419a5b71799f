using Brindle.Agent.Status;
using Brindle.Datastore.Sqlite;
using Brindle.Testing;

namespace Brindle.Cli.Tests.Commands;

public sealed class NodeCommandsTests : IDisposable
{
    private readonly TempDirectory _dir = new("brindle-node-cli");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task NodeRun_BadAutodetectionMethod_OneLineAndExit1()
    {
        var run = await CliRunner.Embedded(_dir.Combine("b.db")).RunAsync("node", "run", "--name", "n1", "--ip-autodetection-method", "guess");
        Assert.Equal(1, run.Exit);
        Assert.Contains("unknown autodetection method 'guess'", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--health-port", "70000")]
    [InlineData("--metrics-port", "-1")]
    public async Task NodeRun_PortOutOfRange_OneLineNamingTheFlag(string flag, string value)
    {
        var run = await CliRunner.Embedded(_dir.Combine("b.db")).RunAsync("node", "run", "--name", "n1", "--ip", "10.99.0.11/24", flag, value);
        Assert.Equal(1, run.Exit);
        Assert.Contains($"{flag} {value} is not a port", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task NodeStatus_NoAgent_SaysSoAndExit1()
    {
        var run = await CliRunner.Embedded(_dir.Combine("b.db")).RunAsync("node", "status", "--name", "n1", "--state-dir", _dir.Combine("n1"));
        Assert.Equal(1, run.Exit);
        Assert.Contains("no agent is running for node 'n1'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeStatus_RecordInDatastore_ShowsStateTableAndReason()
    {
        var db = _dir.Combine("b.db");
        var record = new AgentStatusRecord("n1", AgentState.InSync, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 4.2, 3, 1, 1, 2, null, null,
        [
            new BgpSessionRecord("Mesh_10_99_0_12", "10.99.0.12", "NodeToNodeMesh", "up", "Established", "2026-11-30 12:00:00", "Established", null, 64512, 64512),
            new BgpSessionRecord("Mesh_10_99_0_13", "10.99.0.13", "NodeToNodeMesh", "start", "Active", "2026-11-30 12:00:00", "Active Socket: Connection refused", "Socket: Connection refused", 64512, 64512),
        ]);
        await using (var kv = SqliteKeyValueStore.Open(db)) await kv.PutAsync(AgentStatusRecord.KeyFor("n1"), record.ToJson());

        var run = await CliRunner.Embedded(db).RunAsync("node", "status", "--name", "n1", "--state-dir", _dir.Combine("n1"));
        Assert.Equal(0, run.Exit);
        Assert.Contains("in sync", run.Out, StringComparison.Ordinal);
        Assert.Contains("Endpoints 3, policies 1", run.Out, StringComparison.Ordinal);
        var row = run.Out.Split('\n').Single(l => l.StartsWith("| 10.99.0.12 ", StringComparison.Ordinal));
        Assert.Contains("| node-to-node mesh | up ", row, StringComparison.Ordinal);
        Assert.Contains("10.99.0.13: ", run.Out, StringComparison.Ordinal);   // the diagnosis line for the session that is down

        var json = await CliRunner.Embedded(db).RunAsync("node", "status", "--name", "n1", "--state-dir", _dir.Combine("n1"), "-o", "json");
        Assert.Equal(0, json.Exit);
        Assert.Contains("\"bgpSource\": \"datastore\"", json.Out, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"in-sync\"", json.Out, StringComparison.Ordinal);
    }
}
