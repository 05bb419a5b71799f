using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Brindle.Agent.Observability;

/// <summary>What the agent's loops last said about themselves (<see cref="AgentMetrics.HealthSnapshot"/>), as of <see cref="Now"/>.</summary>
/// <param name="DatastoreInSyncAt">When the syncer delivered the complete snapshot (null: not yet).</param>
/// <param name="LastGoodApplyStartedAt">When the last successful dataplane apply started (null: none yet).</param>
/// <param name="DataplaneError">The last apply's failure; null once an apply succeeds again.</param>
/// <param name="ApplyRunningFor">How long the apply in progress has run (null: the dataplane loop is idle).</param>
/// <param name="CalculationRunningFor">How long the calculation-graph update in progress has run (null: idle).</param>
public sealed record AgentHealthSnapshot(
    DateTimeOffset Now,
    DateTimeOffset? DatastoreInSyncAt,
    DateTimeOffset? LastGoodApplyStartedAt,
    string? DataplaneError,
    TimeSpan? ApplyRunningFor,
    TimeSpan? CalculationRunningFor);

/// <summary>One component's verdict (Felix's health reporters: a name, live, ready, and why not).</summary>
public sealed record HealthReporterState(string Name, bool Live, bool Ready, string Detail);

/// <summary>The agent's liveness and readiness with every reporter's part.</summary>
public sealed record HealthSummary(ImmutableArray<HealthReporterState> Reporters)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool Live => Reporters.All(r => r.Live);

    public bool Ready => Reporters.All(r => r.Ready);

    /// <summary>The body of <c>/liveness</c> or <c>/readiness</c>: the verdict and every reporter, as one JSON line.</summary>
    public string ToJson(bool readiness)
    {
        var ok = readiness ? Ready : Live;
        var body = new
        {
            status = ok ? "ok" : readiness ? "not-ready" : "not-live",
            reporters = Reporters.Select(r => new { name = r.Name, live = r.Live, ready = r.Ready, detail = r.Detail }),
        };
        return JsonSerializer.Serialize(body, Json) + "\n";
    }
}

/// <summary>
/// Felix's health semantics, computed from a snapshot (pure): <b>live</b> while no loop is stuck (an apply or a
/// calculation-graph update running longer than the liveness timeout: Felix's 90 s dataplane watchdog), <b>ready</b> once
/// the datastore snapshot is complete and a dataplane apply that started after it succeeded, and the last apply did not
/// fail. A loop that is idle (waiting for updates) is live: liveness never depends on a periodic tick.
/// </summary>
public static class AgentHealth
{
    /// <summary>Felix's default DataplaneWatchdogTimeout.</summary>
    public static readonly TimeSpan LivenessTimeout = TimeSpan.FromSeconds(90);

    public const string Datastore = "datastore";
    public const string Calculation = "calculation-graph";
    public const string Dataplane = "dataplane";

    public static HealthSummary Evaluate(AgentHealthSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var inSync = snapshot.DatastoreInSyncAt is not null;
        var datastore = new HealthReporterState(Datastore, true, inSync,
            inSync ? "in sync" : "waiting for the complete datastore snapshot");

        var calcStuck = snapshot.CalculationRunningFor is { } calc && calc > LivenessTimeout;
        var calculation = new HealthReporterState(Calculation, !calcStuck, !calcStuck,
            calcStuck ? $"an update has been running for {Seconds(snapshot.CalculationRunningFor!.Value)} (limit {Seconds(LivenessTimeout)})" : "ok");

        var applyStuck = snapshot.ApplyRunningFor is { } apply && apply > LivenessTimeout;
        var applied = inSync && snapshot.LastGoodApplyStartedAt >= snapshot.DatastoreInSyncAt;
        var dataplaneReady = !applyStuck && applied && snapshot.DataplaneError is null;
        var detail = applyStuck ? $"an apply has been running for {Seconds(snapshot.ApplyRunningFor!.Value)} (limit {Seconds(LivenessTimeout)})"
            : snapshot.DataplaneError is { } error ? $"last apply failed (retrying): {error}"
            : !inSync ? "waiting for the datastore snapshot"
            : !applied ? "first apply after the datastore snapshot not done yet"
            : "in sync";
        var dataplane = new HealthReporterState(Dataplane, !applyStuck, dataplaneReady, detail);
        return new HealthSummary([datastore, calculation, dataplane]);
    }

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F0} s");
}
