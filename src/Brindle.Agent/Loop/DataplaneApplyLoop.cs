using System.Threading.Channels;
using Brindle.Calculation.Messages;
using Brindle.Dataplane;
using Microsoft.Extensions.Logging;

namespace Brindle.Agent.Loop;

/// <summary>
/// The agent's apply loop: takes the calculation graph's messages (<see cref="Post"/>, from any thread) and drives one
/// <see cref="IDataplaneDriver"/> from a single loop, so the driver is never called concurrently.
/// </summary>
/// <remarks>
/// Each wake-up feeds every queued message to <see cref="IDataplaneDriver.OnUpdate"/> in arrival order, then applies once:
/// a burst of messages becomes one kernel transaction. The first apply is a <see cref="IDataplaneDriver.ResyncAsync"/>
/// (read the kernel, then converge); after <see cref="InSync"/> a resync also runs every
/// <see cref="ConfigUpdate.ResyncInterval"/> (drift repair), timed by the injected <see cref="TimeProvider"/>. No busy
/// polling: the loop sleeps until a message or the resync is due. A failed apply is retried after
/// <see cref="RetryDelay"/>; after <see cref="MaxConsecutiveFailures"/> failures in a row the last one is thrown (the
/// agent then stops, and the dataplane stays as the driver left it, never opened by us).
/// </remarks>
public sealed partial class DataplaneApplyLoop(IDataplaneDriver driver, ILogger<DataplaneApplyLoop> logger, TimeProvider? timeProvider = null)
{
    public const int MaxConsecutiveFailures = 5;

    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<DataplaneMessage> _queue = Channel.CreateUnbounded<DataplaneMessage>(new() { SingleReader = true });
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The last completed apply or resync.</summary>
    public ApplyReport? LastApply { get; private set; }

    public int ApplyCount { get; private set; }

    public int ResyncCount { get; private set; }

    /// <summary>True once the graph's InSync has reached the driver.</summary>
    public bool InSync { get; private set; }

    /// <summary>Queues a message for the driver (thread-safe; the graph's emit callback).</summary>
    public void Post(DataplaneMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _queue.Writer.TryWrite(message);
    }

    /// <summary>Runs until cancelled (returns normally then), or throws the apply failure that exhausted the retries.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = ConfigUpdate.Default.ResyncInterval;
        var resyncDue = true;   // the first apply reads the kernel
        DateTimeOffset? nextResync = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var drained = await WaitAndDrainAsync(nextResync, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested) return;
            foreach (var message in drained)
            {
                driver.OnUpdate(message);
                if (message is ConfigUpdate config) interval = config.ResyncInterval;
                if (message is Calculation.Messages.InSync) InSync = true;
            }
            if (nextResync is { } due && _time.GetUtcNow() >= due) resyncDue = true;
            if (drained.Count == 0 && !resyncDue) continue;
            try
            {
                LastApply = resyncDue ? await driver.ResyncAsync(cancellationToken).ConfigureAwait(false) : await driver.ApplyAsync(cancellationToken).ConfigureAwait(false);
                if (resyncDue) ResyncCount++;
                else ApplyCount++;
                failures = 0;
                Log.Applied(logger, resyncDue, drained.Count, LastApply.ChangedObjects, LastApply.Duration.TotalMilliseconds);
                resyncDue = false;
                // Periodic drift repair only once the dataplane holds a complete snapshot.
                nextResync = InSync && interval > TimeSpan.Zero ? _time.GetUtcNow() + interval : null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (++failures >= MaxConsecutiveFailures) throw;
                Log.ApplyFailed(logger, e.Message, failures, MaxConsecutiveFailures);
                resyncDue = true;   // re-read the kernel: the failed batch may be half applied
                nextResync = _time.GetUtcNow() + RetryDelay;
            }
        }
    }

    /// <summary>Waits for a message or the resync time, then takes every queued message.</summary>
    private async Task<List<DataplaneMessage>> WaitAndDrainAsync(DateTimeOffset? wakeAt, CancellationToken cancellationToken)
    {
        var drained = new List<DataplaneMessage>();
        if (!_queue.Reader.TryPeek(out _))
        {
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var read = _queue.Reader.WaitToReadAsync(wake.Token).AsTask();
            var delay = wakeAt is { } at ? Max(at - _time.GetUtcNow(), TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
            var timer = Task.Delay(delay, _time, wake.Token);
            await Task.WhenAny(read, timer).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);   // release the other wait
        }
        while (_queue.Reader.TryRead(out var message)) drained.Add(message);
        return drained;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static partial class Log
    {
        [LoggerMessage(EventId = LoopEventIds.Applied, Level = LogLevel.Debug, Message = "Dataplane {Resync} after {MessageCount} messages: {ChangedObjects} objects changed in {DurationMs} ms")]
        private static partial void Applied(ILogger logger, string resync, int messageCount, int changedObjects, double durationMs);

        public static void Applied(ILogger logger, bool resync, int messageCount, int changedObjects, double durationMs) =>
            Applied(logger, resync ? "resync" : "apply", messageCount, changedObjects, durationMs);

        [LoggerMessage(EventId = LoopEventIds.ApplyFailed, Level = LogLevel.Warning, Message = "Dataplane apply failed ({Reason}); retrying with a resync ({Failures} of {MaxFailures})")]
        public static partial void ApplyFailed(ILogger logger, string reason, int failures, int maxFailures);
    }
}
