using Brindle.Api;
using Brindle.Calculation;
using Brindle.Datastore;
using Brindle.Datastore.Kv;
using Microsoft.Extensions.Logging;

namespace Brindle.Agent.Syncer;

/// <summary>
/// Feeds the calculation graph from the datastore (Calico's syncer): lists every resource under
/// <see cref="Prefix"/>, then watches from the list's revision, and turns each key/value into a
/// <see cref="ResourceUpdate"/> (key, resource or null).
/// </summary>
/// <remarks>
/// Decoding and validation happen here, at the boundary: a value that does not decode with <see cref="ResourceCodec"/>,
/// decodes to a resource stored under another key, or fails <c>validate</c>, becomes a null update (the graph then treats
/// the resource as absent) and is logged with its key and every reason. The default <c>validate</c> is
/// <see cref="ResourceValidator"/> (selector syntax is then checked by the graph, which treats a bad selector as invalid too). Keys that are not resource keys are skipped.
/// Ordering: the initial list goes to the graph as one batch, then <c>onInSync</c> once; each watch event follows as
/// it arrives. When the watch's history has been compacted (<see cref="WatchCompactedException"/>) or the watch ends,
/// the syncer lists again, sends every current key (the graph ignores unchanged values) and a deletion for each key it
/// had sent that has vanished meanwhile, then watches from the new revision. Datastore failures are retried after
/// <see cref="RetryDelay"/>; after <see cref="MaxConsecutiveFailures"/> failures in a row the last one is thrown.
/// Callbacks are invoked from the single <see cref="RunAsync"/> loop, never concurrently.
/// </remarks>
public sealed partial class DatastoreSyncer(
    IKeyValueStore store,
    Action<IReadOnlyList<ResourceUpdate>> onUpdates,
    Action onInSync,
    ILogger<DatastoreSyncer> logger,
    TimeProvider? timeProvider = null,
    Func<Resource, IReadOnlyList<string>>? validate = null)
{
    /// <summary>Every Calico resource (and Brindle's namespaces) lives under this prefix.</summary>
    public const string Prefix = "/calico/resources/v3/";

    public const int MaxConsecutiveFailures = 10;

    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Func<Resource, IReadOnlyList<string>> _validate = validate ?? ValidateResource;
    private readonly HashSet<string> _sentKeys = new(StringComparer.Ordinal);
    private bool _inSync;

    /// <summary>A syncer that drives <paramref name="graph"/> directly.</summary>
    public DatastoreSyncer(IKeyValueStore store, CalculationGraph graph, ILogger<DatastoreSyncer> logger, TimeProvider? timeProvider = null, Func<Resource, IReadOnlyList<string>>? validate = null)
        : this(store, updates => graph.OnUpdates(updates), graph.OnInSync, logger, timeProvider, validate)
    {
    }

    /// <summary>True once the initial snapshot has been delivered.</summary>
    public bool IsInSync => _inSync;

    /// <summary>Number of (re)lists done, including the first.</summary>
    public int ListCount { get; private set; }

    /// <summary>Runs until cancelled (returns normally then), or throws the datastore failure that exhausted the retries.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var revision = await ListAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                await foreach (var change in store.WatchAsync(Prefix, revision + 1, cancellationToken).ConfigureAwait(false))
                {
                    if (Decode(change.Key, change.Type == WatchEventType.Put ? change.Value : null) is { } update) Send([update]);
                }
                Log.WatchEnded(logger);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (WatchCompactedException e)
            {
                Log.WatchCompacted(logger, e.Requested, e.OldestKept);
            }
            catch (DatastoreException e)
            {
                if (++failures >= MaxConsecutiveFailures) throw;
                Log.DatastoreFailed(logger, e.Message, failures, MaxConsecutiveFailures);
                try
                {
                    await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<long> ListAsync(CancellationToken cancellationToken)
    {
        var list = await store.ListAsync(Prefix, cancellationToken).ConfigureAwait(false);
        ListCount++;
        var updates = new List<ResourceUpdate>(list.Items.Count);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            if (Decode(item.Key, item.Value) is not { } update) continue;
            updates.Add(update);
            present.Add(item.Key);
        }
        // Keys sent earlier that vanished while we were not watching (compaction, reconnect).
        foreach (var key in _sentKeys.Where(k => !present.Contains(k)).ToList()) updates.Add(new ResourceUpdate(key, null));
        Send(updates);
        Log.Listed(logger, list.Items.Count, list.Revision);
        if (!_inSync)
        {
            _inSync = true;
            onInSync();
            Log.InSync(logger, list.Revision);
        }
        return list.Revision;
    }

    private void Send(IReadOnlyList<ResourceUpdate> updates)
    {
        foreach (var update in updates)
        {
            if (update.Value is null) _sentKeys.Remove(update.Key);
            else _sentKeys.Add(update.Key);
        }
        onUpdates(updates);
    }

    /// <summary>The update for one stored key/value (null value = deleted); null if the key is not a resource key.</summary>
    internal ResourceUpdate? Decode(string key, string? value)
    {
        if (!ResourceKinds.TryParseKey(key, out _, out _, out _)) return null;
        if (value is null) return new ResourceUpdate(key, null);
        Resource resource;
        try
        {
            resource = ResourceCodec.FromJson(value);
        }
        catch (ResourceFormatException e)
        {
            Log.InvalidValue(logger, key, string.Join("; ", e.Errors.Select(error => error.ToString())));
            return new ResourceUpdate(key, null);
        }
        if (!string.Equals(resource.Key, key, StringComparison.Ordinal))
        {
            Log.InvalidValue(logger, key, $"the value is {resource.Describe()}, whose key is {resource.Key}");
            return new ResourceUpdate(key, null);
        }
        if (_validate(resource) is { Count: > 0 } problems)
        {
            Log.InvalidValue(logger, key, string.Join("; ", problems));
            return new ResourceUpdate(key, null);
        }
        return new ResourceUpdate(key, resource);
    }

    private static List<string> ValidateResource(Resource resource) =>
        [.. ResourceValidator.Validate(resource, ValidationContext.Empty).Select(error => error.ToString())];

    private static partial class Log
    {
        [LoggerMessage(EventId = SyncerEventIds.Listed, Level = LogLevel.Debug, Message = "Listed {Count} datastore keys at revision {Revision}")]
        public static partial void Listed(ILogger logger, int count, long revision);

        [LoggerMessage(EventId = SyncerEventIds.InSync, Level = LogLevel.Information, Message = "Datastore snapshot complete at revision {Revision}; in sync")]
        public static partial void InSync(ILogger logger, long revision);

        [LoggerMessage(EventId = SyncerEventIds.InvalidValue, Level = LogLevel.Warning, Message = "Ignoring invalid datastore value at {Key} (treated as absent): {Reasons}")]
        public static partial void InvalidValue(ILogger logger, string key, string reasons);

        [LoggerMessage(EventId = SyncerEventIds.WatchCompacted, Level = LogLevel.Information, Message = "Watch from revision {Requested} was compacted (oldest kept {OldestKept}); listing again")]
        public static partial void WatchCompacted(ILogger logger, long requested, long oldestKept);

        [LoggerMessage(EventId = SyncerEventIds.DatastoreFailed, Level = LogLevel.Warning, Message = "Datastore failure ({Reason}); retrying ({Failures} of {MaxFailures})")]
        public static partial void DatastoreFailed(ILogger logger, string reason, int failures, int maxFailures);

        [LoggerMessage(EventId = SyncerEventIds.WatchEnded, Level = LogLevel.Information, Message = "Datastore watch ended; listing again")]
        public static partial void WatchEnded(ILogger logger);
    }
}
