using Brindle.Calculation;
using Brindle.Dataplane;
using Brindle.Dataplane.Nftables;
using Brindle.Dataplane.Routes;

namespace Brindle.Agent.Observability;

/// <summary>Counts read from the calculation graph at scrape time (under the agent's lock, by the agent).</summary>
public sealed record AgentGauges(int LocalEndpoints, int ActivePolicies, int ActiveProfiles, int ActiveIPSets, int DatastoreLists)
{
    public static AgentGauges From(CalculationGraph? graph, int datastoreLists) =>
        new(graph?.LocalEndpointCount ?? 0, graph?.ActivePolicyCount ?? 0, graph?.ActiveProfileCount ?? 0, graph?.ActiveIPSetCount ?? 0, datastoreLists);
}

/// <summary>
/// Records what the agent's loops do (calculation-graph updates, dataplane applies and failures, the datastore's InSync)
/// and renders it, with the gauges read on scrape, as Felix-named Prometheus metrics. Recording is a few field writes
/// and a summary observation; nothing runs between scrapes (no timers). Thread-safe: the syncer and the dataplane loop
/// record, the HTTP servers read.
/// </summary>
/// <remarks>Usage: <c>var t = CalculationStarting(); graph.OnUpdates(u); CalculationFinished(t, u.Count);</c> and likewise
/// <c>ApplyStarting</c> / <c>ApplyFinished</c> or <c>ApplyFailed</c> around each dataplane apply.</remarks>
public sealed class AgentMetrics(TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly DurationSummary _applyTime = new(timeProvider ?? TimeProvider.System);
    private readonly DurationSummary _calcTime = new(timeProvider ?? TimeProvider.System);
    private readonly Lock _lock = new();
    private long _calcStarted;
    private long _applyStarted;
    private long _updatesProcessed;
    private long _applyFailures;
    private long _dataplaneResyncs;
    private DateTimeOffset? _inSyncAt;
    private DateTimeOffset? _lastGoodApplyStartedAt;
    private DateTimeOffset _applyStartedAt;
    private string? _dataplaneError;
    private volatile IDataplaneDriver? _dataplane;

    /// <summary>Marks a calculation-graph update as running; returns the start timestamp for <see cref="CalculationFinished"/>.</summary>
    public long CalculationStarting()
    {
        var now = _time.GetTimestamp();
        Volatile.Write(ref _calcStarted, now);
        return now;
    }

    public void CalculationFinished(long started, int updates)
    {
        _calcTime.Observe(_time.GetElapsedTime(started).TotalSeconds);
        Interlocked.Add(ref _updatesProcessed, updates);
        Volatile.Write(ref _calcStarted, 0);
    }

    /// <summary>The datastore snapshot is complete (the syncer's InSync).</summary>
    public void DatastoreInSync()
    {
        lock (_lock) _inSyncAt ??= _time.GetUtcNow();
    }

    /// <summary>Marks a dataplane apply as running; returns the start timestamp for <see cref="ApplyFinished"/> or <see cref="ApplyFailed"/>.</summary>
    public long ApplyStarting()
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            _applyStartedAt = _time.GetUtcNow();
            _applyStarted = now;
        }
        return now;
    }

    /// <summary>A successful apply (or resync) of <paramref name="dataplane"/>, whose kernel state the rule and route gauges read on scrape.</summary>
    public void ApplyFinished(long started, ApplyReport report, bool resync, IDataplaneDriver dataplane)
    {
        ArgumentNullException.ThrowIfNull(report);
        _applyTime.Observe(_time.GetElapsedTime(started).TotalSeconds);
        _dataplane = dataplane;
        lock (_lock)
        {
            _lastGoodApplyStartedAt = _applyStartedAt;
            _dataplaneError = null;
            _applyStarted = 0;
            if (resync) _dataplaneResyncs++;
        }
    }

    public void ApplyFailed(long started, string error)
    {
        _applyTime.Observe(_time.GetElapsedTime(started).TotalSeconds);
        lock (_lock)
        {
            _dataplaneError = error;
            _applyStarted = 0;
            _applyFailures++;
        }
    }

    /// <summary>What <see cref="AgentHealth.Evaluate"/> needs, as of now.</summary>
    public AgentHealthSnapshot HealthSnapshot()
    {
        var calcStarted = Volatile.Read(ref _calcStarted);
        lock (_lock)
        {
            return new AgentHealthSnapshot(_time.GetUtcNow(), _inSyncAt, _lastGoodApplyStartedAt, _dataplaneError,
                _applyStarted == 0 ? null : _time.GetElapsedTime(_applyStarted),
                calcStarted == 0 ? null : _time.GetElapsedTime(calcStarted));
        }
    }

    /// <summary>The Prometheus exposition: Felix-named metrics, Brindle's own, then the process's.</summary>
    public string Render(AgentGauges gauges)
    {
        ArgumentNullException.ThrowIfNull(gauges);
        long failures, resyncs;
        bool inSync;
        lock (_lock)
        {
            failures = _applyFailures;
            resyncs = _dataplaneResyncs;
            inSync = _inSyncAt is not null;
        }
        var dataplane = _dataplane;
        var drivers = dataplane is CompositeDataplane composite ? composite.Drivers : dataplane is null ? [] : [dataplane];
        var rules = drivers.OfType<NftablesDataplane>().Sum(d => d.Actual?.RuleCount ?? 0);
        var routes = drivers.OfType<RouteDataplane>().Sum(d => d.Actual?.Count ?? 0);
        var text = new PrometheusTextWriter()
            .Summary("felix_int_dataplane_apply_time_seconds", "Time in seconds that it took to apply a dataplane update.", _applyTime.Snapshot())
            .Counter("felix_int_dataplane_failures", "Number of times dataplane updates failed and will be retried.", failures)
            .Summary("felix_calc_graph_update_time_seconds", "Seconds to update the calculation graph for each datastore batch.", _calcTime.Snapshot())
            .Counter("felix_calc_graph_updates_processed", "Number of datastore updates processed by the calculation graph.", Interlocked.Read(ref _updatesProcessed))
            .Counter("felix_resyncs_started", "Number of times the agent has started (re)listing the datastore.", gauges.DatastoreLists)
            .Gauge("felix_resync_state", "Current datastore state (2 resync in progress, 3 in sync).", inSync ? 3 : 2)
            .Gauge("felix_active_local_endpoints", "Number of active endpoints on this host.", gauges.LocalEndpoints)
            .Gauge("felix_active_local_policies", "Number of active policies on this host.", gauges.ActivePolicies)
            .Gauge("felix_ipsets_calico", "Number of active Calico IP sets.", gauges.ActiveIPSets)
            .Gauge("brindle_active_local_profiles", "Number of active profiles on this host.", gauges.ActiveProfiles)
            .Gauge("brindle_nftables_rules", "Number of rules in the agent's nftables table, as last read or written.", rules)
            .Gauge("brindle_routes", "Number of kernel routes the agent programmed, as last read or written.", routes)
            .Counter("brindle_dataplane_resyncs", "Number of dataplane resyncs (kernel re-read and drift repaired).", resyncs);
        return ProcessMetrics.Write(text).ToString();
    }
}
