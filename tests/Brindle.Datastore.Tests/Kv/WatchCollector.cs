using Brindle.Datastore.Kv;

namespace Brindle.Datastore.Kv.Tests;

/// <summary>Runs a watch in the background and records its events (or the exception that ended it).</summary>
internal sealed class WatchCollector : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _cts = new();
    private readonly List<WatchEvent> _events = [];
    private readonly Task _pump;

    public WatchCollector(IKeyValueStore store, string prefix, long fromRevision)
    {
        _pump = Task.Run(async () =>
        {
            await foreach (var e in store.WatchAsync(prefix, fromRevision, _cts.Token))
            {
                lock (_events) _events.Add(e);
            }
        });
    }

    public IReadOnlyList<WatchEvent> Events
    {
        get
        {
            lock (_events) return [.. _events];
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> events arrived; fails the test on timeout or if the watch died.</summary>
    public async Task<IReadOnlyList<WatchEvent>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (Events.Count < count)
        {
            if (_pump.IsCompleted) await _pump;
            Assert.True(DateTime.UtcNow < deadline, $"watch delivered {Events.Count} of {count} events: {string.Join(", ", Events)}");
            await Task.Delay(10);
        }
        return Events;
    }

    /// <summary>Waits for the exception that ends the watch.</summary>
    public async Task<Exception> FailureAsync(TimeSpan? timeout = null)
    {
        var finished = await Task.WhenAny(_pump, Task.Delay(timeout ?? DefaultTimeout));
        Assert.True(finished == _pump, "the watch did not fail");
        return await Assert.ThrowsAnyAsync<Exception>(() => _pump);
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception)
        {
            // A failed watch was already observed (or is irrelevant) by the test.
        }
        _cts.Dispose();
    }
}
