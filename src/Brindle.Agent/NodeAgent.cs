using System.Threading.Channels;
using Brindle.Agent.Bgp;
using Brindle.Agent.Observability;
using Brindle.Agent.Registration;
using Brindle.Agent.Status;
using Brindle.Agent.Syncer;
using Brindle.Bgp.Ports;
using Brindle.Bgp.Supervisor;
using Brindle.Calculation;
using Brindle.Calculation.Messages;
using Brindle.Datastore;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;
using Brindle.Dataplane;
using Brindle.Dataplane.Nftables;
using Brindle.Dataplane.Ports;
using Brindle.Dataplane.Routes;
using Brindle.Platform;
using Microsoft.Extensions.Logging;

namespace Brindle.Agent;

/// <summary>
/// The per-host agent (calico-node: Felix + confd + BIRD) as one composition root.
/// </summary>
/// <remarks>
/// <code>
/// register Node (CAS) ─> DatastoreSyncer ─updates─┬─> CalculationGraph ─messages─> pending ─> dataplane loop
///                                                 │                                 (nft first, then routes;
///                                                 │                                  apply per burst, resync every 10 s)
///                                                 └─> BgpInputTracker <─ affinity watch (/calico/ipam/v2/host/NAME/)
///                                                          └─> BGP loop: render ─> BirdSupervisor.ApplyAsync; WatchAsync restarts BIRD
/// status loop: birdc show protocols all + counters ─> /brindle/status/nodes/NAME (lease)
/// </code>
/// Invariants: the graph and the tracker are touched only under <c>_gate</c> (the syncer and the affinity watch
/// write, the loops read); the dataplane drivers only from the dataplane loop. Nothing is applied before the graph is
/// in sync, and the dataplane deletes stale kernel objects only after InSync. Stopping (cancellation) stops BIRD
/// by PID and revokes the status lease, and leaves the nftables table and routes in place (traffic keeps flowing; a
/// restarted agent adopts them).
/// </remarks>
public sealed partial class NodeAgent(AgentOptions options, IKeyValueStore store, ICommandRunner runner, ILoggerFactory loggers, TimeProvider? timeProvider = null)
{
    /// <summary>Delay before retrying after a failed apply (then with a full resync).</summary>
    public static readonly TimeSpan ApplyRetryDelay = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ILogger _logger = loggers.CreateLogger<NodeAgent>();
    private readonly AgentMetrics _metrics = new(timeProvider);
    private readonly Lock _gate = new();
    private readonly List<DataplaneMessage> _pending = [];
    private readonly Channel<bool> _dataplaneSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _bgpSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _statusSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private CalculationGraph? _graph;
    private BgpInputTracker? _bgp;
    private BirdSupervisor? _bird;
    private volatile bool _inSync;
    private volatile IReadOnlyList<EndpointStatusRecord> _endpointStatuses = [];
    private volatile string? _error;
    private volatile string? _bgpError;
    private DateTimeOffset? _lastApply;
    private double? _lastApplyMilliseconds;

    /// <summary>The Node as registered (set once <see cref="RunAsync"/> has registered it).</summary>
    public Brindle.Api.Node? RegisteredNode { get; private set; }

    /// <summary>Raised after each successful dataplane apply (for tests and the benchmark).</summary>
    public event Action<ApplyReport>? Applied;

    /// <summary>Registers the node, then runs until cancelled. Throws <see cref="AgentStartupException"/> for operator mistakes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var addresses = await NodeRegistrar.ResolveAddressesAsync(options, runner, cancellationToken);
        RegisteredNode = await NodeRegistrar.RegisterAsync(new ResourceStore(store, _time), options.NodeName, addresses, options.AsNumber, cancellationToken);
        Log.Registered(_logger, options.NodeName, addresses.IPv4?.ToString() ?? "-", addresses.IPv6?.ToString() ?? "-");

        Directory.CreateDirectory(options.StateDirectory);
        _graph = new CalculationGraph(options.NodeName, message => _pending.Add(message));   // emit runs under _gate
        _bgp = new BgpInputTracker(options.NodeName);
        _bird = new BirdSupervisor(BirdInstance.InDirectory(options.StateDirectory), runner, LocalFileStore.Instance, LinuxProcessSignaller.Instance, _time, loggers.CreateLogger<BirdSupervisor>());

        var syncer = new DatastoreSyncer(store, OnUpdates, OnInSync, loggers.CreateLogger<DatastoreSyncer>(), _time);
        await using var observability = await AgentObservability.StartAsync(options, store, _metrics, () => { lock (_gate) return AgentGauges.From(_graph, syncer.ListCount); }, loggers, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ct = stop.Token;
        var leaseId = 0L;
        var tasks = new List<Task>
        {
            syncer.RunAsync(ct),
            DataplaneLoopAsync(ct),
            StatusLoopAsync(id => leaseId = id, ct),
        };
        if (options.EnableBgp)
        {
            tasks.Add(AffinityWatchAsync(ct));
            tasks.Add(BgpLoopAsync(ct));
            tasks.Add(_bird.WatchAsync(BirdSupervisor.DefaultWatchInterval, ct));
        }
        try
        {
            // Any loop that ends by itself (a datastore that stayed unreachable) ends the agent.
            var first = await Task.WhenAny(tasks);
            if (!cancellationToken.IsCancellationRequested) await first;
        }
        finally
        {
            await stop.CancelAsync();
            try { await Task.WhenAll(tasks); } catch (OperationCanceledException) { } catch (Exception e) when (e is DatastoreException or CommandFailedException) { }
            await ShutdownAsync(leaseId);
        }
    }

    private async Task ShutdownAsync(long leaseId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        if (options.EnableBgp && _bird is not null)
        {
            try { await _bird.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
        }
        if (leaseId != 0)
        {
            try { await store.RevokeLeaseAsync(leaseId, timeout.Token); } catch (Exception e) when (e is DatastoreException or OperationCanceledException) { }
        }
        Log.Stopped(_logger, options.NodeName);
    }

    private void OnUpdates(IReadOnlyList<ResourceUpdate> updates)
    {
        lock (_gate)
        {
            var version = _bgp!.Version;
            var started = _metrics.CalculationStarting();
            _graph!.OnUpdates(updates);
            _metrics.CalculationFinished(started, updates.Count);
            _bgp.OnUpdates(updates);
            if (_bgp.Version != version) _bgpSignal.Writer.TryWrite(true);
        }
        _dataplaneSignal.Writer.TryWrite(true);
    }

    private void OnInSync()
    {
        lock (_gate) _graph!.OnInSync();
        _inSync = true;
        _metrics.DatastoreInSync();
        _dataplaneSignal.Writer.TryWrite(true);
        _bgpSignal.Writer.TryWrite(true);
    }

    private async Task DataplaneLoopAsync(CancellationToken ct)
    {
        var nftables = new NftablesDataplane(runner, null, _time, loggers.CreateLogger<NftablesDataplane>());
        var routes = new RouteDataplane(runner, new ProcSysctlWriter(), null, _time, loggers.CreateLogger<RouteDataplane>());
        var dataplane = new CompositeDataplane([nftables, routes]);
        dataplane.Prepare(ct);   // the kernel's state is read while the syncer loads and the graph calculates the snapshot
        // Drift repair every FelixConfiguration nftablesRefreshInterval (or routeRefreshInterval; default 90 s, 0 = off)
        // unless the agent was started with a fixed interval.
        var interval = options.ResyncInterval ?? ConfigUpdate.Default.ResyncInterval;
        var lastResync = _time.GetUtcNow();
        var resyncNeeded = false;
        bool startupCollected = false, startupReleased = false;
        while (!ct.IsCancellationRequested)
        {
            // Before InSync nothing is applied, so only a signal (more updates, InSync) is worth waking for.
            var nextResync = interval > TimeSpan.Zero && _inSync ? lastResync + interval : DateTimeOffset.MaxValue;
            var wait = nextResync == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : nextResync - _time.GetUtcNow();
            if (wait == Timeout.InfiniteTimeSpan || wait > TimeSpan.Zero) await WaitAsync(_dataplaneSignal.Reader, wait, ct);
            if (ct.IsCancellationRequested) return;
            List<DataplaneMessage> batch;
            lock (_gate)
            {
                batch = [.. _pending];
                _pending.Clear();
            }
            foreach (var message in batch)
            {
                dataplane.OnUpdate(message);
                if (message is ConfigUpdate config && options.ResyncInterval is null) interval = config.ResyncInterval;
            }
            if (!_inSync) continue;   // the first apply carries the whole snapshot and InSync
            if (!startupCollected)
            {
                // Before the first programming renders the whole table: drop the snapshot's decode and calculation
                // garbage first, so the start-up peak is the state plus one rendering, not plus everything before it.
                startupCollected = true;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            }
            var resync = resyncNeeded || _time.GetUtcNow() >= nextResync;
            var started = _metrics.ApplyStarting();
            try
            {
                var report = resync ? await dataplane.ResyncAsync(ct) : await dataplane.ApplyAsync(ct);
                _metrics.ApplyFinished(started, report, resync, dataplane);
                if (resync) lastResync = _time.GetUtcNow();
                resyncNeeded = false;
                if (_error is not null || _lastApply is null) _statusSignal.Writer.TryWrite(true);   // now in sync: say so at once
                _error = null;
                if (report.Changed || resync)
                {
                    _lastApply = _time.GetUtcNow();
                    _lastApplyMilliseconds = report.Duration.TotalMilliseconds;
                }
                if (report.Changed) Log.Applied(_logger, resync ? "resync" : "apply", report.ChangedObjects, report.Duration.TotalMilliseconds);
                UpdateEndpointStatuses(nftables, routes);
                if (!startupReleased)
                {
                    // The first full programming leaves the snapshot's decode and calculation garbage (tens of MB)
                    // committed; one compacting collection hands it back to the OS instead of carrying it forever.
                    startupReleased = true;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                }
                Applied?.Invoke(report);
            }
            catch (Exception e) when (e is CommandFailedException or IOException or InvalidOperationException)
            {
                if (_error is null) _statusSignal.Writer.TryWrite(true);
                _error = e.Message;
                _metrics.ApplyFailed(started, e.Message);
                resyncNeeded = true;
                Log.ApplyFailed(_logger, e.Message);
                await Task.Delay(ApplyRetryDelay, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                _dataplaneSignal.Writer.TryWrite(true);
            }
        }
    }

    private async Task AffinityWatchAsync(CancellationToken ct)
    {
        var prefix = _bgp!.AffinityPrefix;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await store.ListAsync(prefix, ct);
                lock (_gate)
                {
                    foreach (var kv in list.Items) _bgp.OnAffinity(kv.Key, kv.Value);
                }
                _bgpSignal.Writer.TryWrite(true);
                await foreach (var change in store.WatchAsync(prefix, list.Revision + 1, ct))
                {
                    lock (_gate) _bgp.OnAffinity(change.Key, change.Type == WatchEventType.Put ? change.Value : null);
                    _bgpSignal.Writer.TryWrite(true);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DatastoreException)
            {
                Log.AffinityWatchFailed(_logger, e.Message);
                await Task.Delay(ApplyRetryDelay, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task BgpLoopAsync(CancellationToken ct)
    {
        var rendered = -1L;
        while (!ct.IsCancellationRequested)
        {
            await WaitAsync(_bgpSignal.Reader, Timeout.InfiniteTimeSpan, ct);
            if (ct.IsCancellationRequested || !_inSync) continue;
            string? config;
            IReadOnlyList<string> errors;
            long version;
            lock (_gate)
            {
                version = _bgp!.Version;
                if (version == rendered) continue;
                (config, errors) = _bgp.Render();
            }
            if (config is null)
            {
                var invalid = string.Join("; ", errors);
                SetBgpError(invalid);
                Log.BgpConfigInvalid(_logger, invalid);
                rendered = version;
                continue;
            }
            var result = await _bird!.ApplyAsync(config, ct);
            if (result.Succeeded)
            {
                SetBgpError(null);
                rendered = version;
                if (result.Outcome != BirdApplyOutcome.Unchanged) Log.BirdApplied(_logger, result.Outcome.ToString());
            }
            else
            {
                var failure = result.Error ?? result.Outcome.ToString();
                SetBgpError(failure);
                Log.BirdFailed(_logger, failure);
                await Task.Delay(ApplyRetryDelay, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                _bgpSignal.Writer.TryWrite(true);
            }
        }
    }

    private async Task StatusLoopAsync(Action<long> leaseChanged, CancellationToken ct)
    {
        var key = AgentStatusRecord.KeyFor(options.NodeName);
        var leaseId = 0L;
        var endpointRecords = new Dictionary<string, string>(StringComparer.Ordinal);   // written under the current lease
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (leaseId == 0 || !await store.KeepAliveAsync(leaseId, ct))
                {
                    leaseId = await store.GrantLeaseAsync(options.StatusTtl, ct);
                    leaseChanged(leaseId);
                    endpointRecords.Clear();
                }
                var record = await BuildStatusAsync(ct);
                await store.PutAsync(key, record.ToJson(), leaseId, ct);
                await WriteEndpointStatusesAsync(endpointRecords, leaseId, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (DatastoreException e)
            {
                Log.StatusFailed(_logger, e.Message);
                leaseId = 0;
            }
            await WaitAsync(_statusSignal.Reader, options.StatusInterval, ct);   // the interval, or a change of state
        }
    }

    /// <summary>Each local workload's status as the drivers now hold it; a change is reported at once.</summary>
    private void UpdateEndpointStatuses(NftablesDataplane nftables, RouteDataplane routes)
    {
        IReadOnlyList<Brindle.Api.WorkloadEndpoint> locals;
        lock (_gate) locals = _graph!.LocalWorkloadEndpoints();
        var statuses = EndpointStatusCalculator.Compute(locals, nftables.Actual, nftables.FailClosedChains, routes.Actual);
        if (statuses.SequenceEqual(_endpointStatuses)) return;
        _endpointStatuses = statuses;
        _statusSignal.Writer.TryWrite(true);
    }

    /// <summary>Writes the endpoint records that changed and deletes those of endpoints that are gone (under the status lease).</summary>
    private async Task WriteEndpointStatusesAsync(Dictionary<string, string> written, long leaseId, CancellationToken ct)
    {
        var desired = _endpointStatuses.ToDictionary(e => EndpointStatusRecord.KeyFor(options.NodeName, e.Namespace, e.Name), e => e.ToJson(), StringComparer.Ordinal);
        foreach (var (key, json) in desired)
        {
            if (written.TryGetValue(key, out var old) && old == json) continue;
            await store.PutAsync(key, json, leaseId, ct);
            written[key] = json;
        }
        foreach (var key in written.Keys.Where(k => !desired.ContainsKey(k)).ToList())
        {
            await store.DeleteAsync(key, cancellationToken: ct);
            written.Remove(key);
        }
    }

    private void SetBgpError(string? error)
    {
        if (!string.Equals(_bgpError, error, StringComparison.Ordinal)) _statusSignal.Writer.TryWrite(true);
        _bgpError = error;
    }

    /// <summary>The status record as of now (BGP sessions from the local BIRD, when it runs).</summary>
    public async Task<AgentStatusRecord> BuildStatusAsync(CancellationToken ct)
    {
        IReadOnlyList<BgpSessionRecord> sessions = [];
        if (options.EnableBgp && _bird?.RunningPid() is not null)
        {
            sessions = [.. (await _bird.GetStatusAsync(ct)).Select(BgpSessionRecord.From)];
        }
        int endpoints, policies, profiles, sets;
        lock (_gate)
        {
            endpoints = _graph?.LocalEndpointCount ?? 0;
            policies = _graph?.ActivePolicyCount ?? 0;
            profiles = _graph?.ActiveProfileCount ?? 0;
            sets = _graph?.ActiveIPSetCount ?? 0;
        }
        var state = _error is not null ? AgentState.Error : _inSync && _lastApply is not null ? AgentState.InSync : AgentState.Starting;
        return new AgentStatusRecord(options.NodeName, state, _time.GetUtcNow(), _lastApply, _lastApplyMilliseconds,
            endpoints, policies, profiles, sets, _error, _bgpError, sessions);
    }

    private async Task WaitAsync(ChannelReader<bool> signal, TimeSpan timeout, CancellationToken ct)
    {
        using var timeoutSource = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        try
        {
            await signal.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            // timeout or stop: the caller checks ct
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Node {Node} registered (IPv4 {IPv4}, IPv6 {IPv6})")]
        public static partial void Registered(ILogger logger, string node, string ipv4, string ipv6);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Dataplane {Kind}: {Objects} kernel objects changed in {Milliseconds:F1} ms")]
        public static partial void Applied(ILogger logger, string kind, int objects, double milliseconds);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Dataplane apply failed (retrying with a resync): {Error}")]
        public static partial void ApplyFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "BGP configuration cannot be rendered: {Errors}")]
        public static partial void BgpConfigInvalid(ILogger logger, string errors);

        [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "BIRD configuration applied: {Outcome}")]
        public static partial void BirdApplied(ILogger logger, string outcome);

        [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "BIRD refused the configuration: {Error}")]
        public static partial void BirdFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Status record not written: {Error}")]
        public static partial void StatusFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "IPAM affinity watch failed (retrying): {Error}")]
        public static partial void AffinityWatchFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "Agent for {Node} stopped (BIRD stopped; nftables table and routes left in place)")]
        public static partial void Stopped(ILogger logger, string node);
    }
}
