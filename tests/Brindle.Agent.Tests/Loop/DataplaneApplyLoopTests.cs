using Brindle.Calculation.Messages;
using Brindle.Dataplane;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Agent.Loop.Tests;

public sealed class DataplaneApplyLoopTests
{
    /// <summary>Records what the loop does; fails if called concurrently; can be told to fail its next applies.</summary>
    private sealed class RecordingDriver : IDataplaneDriver
    {
        private readonly object _gate = new();
        private int _busy;

        public List<string> Calls { get; } = [];

        public int FailuresToInject { get; set; }

        public void OnUpdate(DataplaneMessage message) => Record("update:" + message.GetType().Name);

        public Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default) => Run("apply");

        public Task<ApplyReport> ResyncAsync(CancellationToken cancellationToken = default) => Run("resync");

        public List<string> Snapshot()
        {
            lock (_gate) return [.. Calls];
        }

        private async Task<ApplyReport> Run(string what)
        {
            Assert.Equal(0, Interlocked.Exchange(ref _busy, 1));
            await Task.Yield();
            Record(what);
            Interlocked.Exchange(ref _busy, 0);
            if (FailuresToInject > 0)
            {
                FailuresToInject--;
                throw new InvalidOperationException("nft: injected failure");
            }
            return new ApplyReport("fake", true, 1, TimeSpan.FromMilliseconds(1));
        }

        private void Record(string call)
        {
            lock (_gate) Calls.Add(call);
        }
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the apply loop did not reach the expected state");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task RunAsync_QueuedBurst_IsFedInOrderAndAppliedOnceWithAResyncFirst()
    {
        var driver = new RecordingDriver();
        var loop = new DataplaneApplyLoop(driver, NullLogger<DataplaneApplyLoop>.Instance);
        loop.Post(new IPSetUpdate("s", IPSetType.Nets, []));
        loop.Post(new ActivePolicyUpdate(new PolicyId("default", "p"), [], []));
        loop.Post(new IPSetRemove("s"));
        using var cts = new CancellationTokenSource();
        var run = loop.RunAsync(cts.Token);

        await Until(() => loop.ResyncCount == 1);
        Assert.Equal(["update:IPSetUpdate", "update:ActivePolicyUpdate", "update:IPSetRemove", "resync"], driver.Snapshot());

        loop.Post(new IPPoolUpdate("pool", System.Net.IPNetwork.Parse("10.0.0.0/16"), true));
        await Until(() => loop.ApplyCount == 1);
        Assert.Equal(["update:IPPoolUpdate", "apply"], driver.Snapshot()[4..]);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task RunAsync_AfterInSync_ResyncsPeriodically()
    {
        var driver = new RecordingDriver();
        var loop = new DataplaneApplyLoop(driver, NullLogger<DataplaneApplyLoop>.Instance);
        loop.Post(ConfigUpdate.Default with { ResyncInterval = TimeSpan.FromMilliseconds(20) });
        loop.Post(InSync.Instance);
        using var cts = new CancellationTokenSource();
        var run = loop.RunAsync(cts.Token);

        await Until(() => loop.ResyncCount >= 3);
        Assert.True(loop.InSync);
        Assert.Equal(0, loop.ApplyCount);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task RunAsync_BeforeInSync_DoesNotResyncOnATimer()
    {
        var driver = new RecordingDriver();
        var loop = new DataplaneApplyLoop(driver, NullLogger<DataplaneApplyLoop>.Instance);
        loop.Post(ConfigUpdate.Default with { ResyncInterval = TimeSpan.FromMilliseconds(5) });
        using var cts = new CancellationTokenSource();
        var run = loop.RunAsync(cts.Token);
        await Until(() => loop.ResyncCount == 1);
        await Task.Delay(100);
        Assert.Equal(1, loop.ResyncCount);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task RunAsync_ApplyFailure_IsRetriedWithAResyncThenGivesUp()
    {
        var driver = new RecordingDriver { FailuresToInject = 1 };
        var loop = new DataplaneApplyLoop(driver, NullLogger<DataplaneApplyLoop>.Instance);
        loop.Post(InSync.Instance);
        using var cts = new CancellationTokenSource();
        var run = loop.RunAsync(cts.Token);
        await Until(() => loop.ResyncCount == 1);   // failed once, succeeded on the retry
        Assert.Equal(["update:InSync", "resync", "resync"], driver.Snapshot()[..3]);
        cts.Cancel();
        await run;

        var broken = new RecordingDriver { FailuresToInject = int.MaxValue };
        var failing = new DataplaneApplyLoop(broken, NullLogger<DataplaneApplyLoop>.Instance, new FastTime());
        failing.Post(InSync.Instance);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.RunAsync(CancellationToken.None));
        Assert.Contains("injected", error.Message, StringComparison.Ordinal);
        Assert.Equal(DataplaneApplyLoop.MaxConsecutiveFailures, broken.Snapshot().Count(c => c == "resync"));
    }

    /// <summary>Time that runs 1,000 times faster than the clock, so retry delays pass quickly.</summary>
    private sealed class FastTime : TimeProvider
    {
        private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _start + ((DateTimeOffset.UtcNow - _start) * 1000);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, Scale(dueTime), Scale(period));

        private static TimeSpan Scale(TimeSpan t) => t == Timeout.InfiniteTimeSpan ? t : t / 1000;
    }
}
