using Brindle.Dataplane;

namespace Brindle.Agent.Observability.Tests;

public sealed class AgentHealthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static AgentHealthSnapshot Snapshot(DateTimeOffset? inSync = null, DateTimeOffset? applied = null, string? error = null,
        TimeSpan? applyRunning = null, TimeSpan? calcRunning = null) => new(T0.AddMinutes(5), inSync, applied, error, applyRunning, calcRunning);

    [Fact]
    public void Evaluate_BeforeDatastoreInSync_LiveButNotReady()
    {
        var summary = AgentHealth.Evaluate(Snapshot());
        Assert.True(summary.Live);
        Assert.False(summary.Ready);
        Assert.Contains(summary.Reporters, r => r is { Name: AgentHealth.Datastore, Ready: false });
    }

    [Fact]
    public void Evaluate_InSyncButNoApplySince_NotReadySaysWhy()
    {
        var summary = AgentHealth.Evaluate(Snapshot(inSync: T0.AddSeconds(10), applied: T0.AddSeconds(5)));
        Assert.False(summary.Ready);
        var dataplane = summary.Reporters.Single(r => r.Name == AgentHealth.Dataplane);
        Assert.Contains("first apply", dataplane.Detail, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"not-ready\"", summary.ToJson(readiness: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ApplyStartedAfterInSync_Ready()
    {
        var summary = AgentHealth.Evaluate(Snapshot(inSync: T0, applied: T0.AddSeconds(1)));
        Assert.True(summary.Ready);
        Assert.True(summary.Live);
        Assert.Contains("\"status\":\"ok\"", summary.ToJson(readiness: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LastApplyFailed_NotReadyButLive()
    {
        var summary = AgentHealth.Evaluate(Snapshot(inSync: T0, applied: T0.AddSeconds(1), error: "nft: syntax error"));
        Assert.False(summary.Ready);
        Assert.True(summary.Live);
        Assert.Contains("nft: syntax error", summary.ToJson(readiness: true), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(89, true)]
    [InlineData(91, false)]
    public void Evaluate_ApplyRunning_NotLiveOnlyPastTheWatchdogTimeout(int seconds, bool live)
    {
        var summary = AgentHealth.Evaluate(Snapshot(inSync: T0, applied: T0.AddSeconds(1), applyRunning: TimeSpan.FromSeconds(seconds)));
        Assert.Equal(live, summary.Live);
        Assert.Equal(live, summary.Ready);
    }

    [Fact]
    public void Evaluate_CalculationStuck_NotLiveAndNamesIt()
    {
        var summary = AgentHealth.Evaluate(Snapshot(inSync: T0, applied: T0.AddSeconds(1), calcRunning: TimeSpan.FromMinutes(3)));
        Assert.False(summary.Live);
        var json = summary.ToJson(readiness: false);
        Assert.Contains("\"status\":\"not-live\"", json, StringComparison.Ordinal);
        Assert.Contains("running for 180 s", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Health_Endpoint_503ThenReadyAfterInSyncAndApply()
    {
        var time = new ManualTime();
        var metrics = new AgentMetrics(time);
        Assert.Equal(503, AgentObservability.Health("/readiness", metrics).Status);
        Assert.Equal(200, AgentObservability.Health("/liveness", metrics).Status);
        Assert.Equal(404, AgentObservability.Health("/healthz", metrics).Status);

        metrics.DatastoreInSync();
        time.Advance(TimeSpan.FromSeconds(1));
        var started = metrics.ApplyStarting();
        Assert.Equal(503, AgentObservability.Health("/readiness", metrics).Status);   // still applying
        time.Advance(TimeSpan.FromSeconds(2));
        metrics.ApplyFinished(started, new ApplyReport("test", true, 3, TimeSpan.FromSeconds(2)), resync: false, new NoDataplane());
        Assert.Equal(200, AgentObservability.Health("/readiness", metrics).Status);

        started = metrics.ApplyStarting();
        metrics.ApplyFailed(started, "nft: boom");
        var reply = AgentObservability.Health("/readiness", metrics);
        Assert.Equal(503, reply.Status);
        Assert.Contains("nft: boom", reply.Body, StringComparison.Ordinal);
        Assert.Equal(200, AgentObservability.Health("/liveness", metrics).Status);
    }

    [Fact]
    public void Health_ApplyHangs_LivenessFailsAfterTimeout()
    {
        var time = new ManualTime();
        var metrics = new AgentMetrics(time);
        metrics.DatastoreInSync();
        metrics.ApplyStarting();
        time.Advance(AgentHealth.LivenessTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(503, AgentObservability.Health("/liveness", metrics).Status);
    }

    /// <summary>A driver that does nothing (the metrics only keep its reference for the rule and route gauges).</summary>
    internal sealed class NoDataplane : IDataplaneDriver
    {
        public void OnUpdate(Calculation.Messages.DataplaneMessage message)
        {
        }

        public void Prepare(CancellationToken cancellationToken = default)
        {
        }

        public Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default) => Task.FromResult(ApplyReport.Unchanged("none"));

        public Task<ApplyReport> ResyncAsync(CancellationToken cancellationToken = default) => Task.FromResult(ApplyReport.Unchanged("none"));
    }
}
