using Brindle.Calculation.Messages;

namespace Brindle.Dataplane.Tests;

public sealed class CompositeDataplaneTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ApplyAsync_RoutesWaitForPolicy_UnlessThePolicyDriverGuardsWorkloads(bool guards)
    {
        var log = new List<string>();
        var policy = new FakeDriver("policy", log) { Guards = guards };
        var routes = new FakeDriver("routes", log);
        var dataplane = new CompositeDataplane([policy, routes]);

        var applying = dataplane.ApplyAsync();
        await Task.Delay(50);   // routes would have started by now if they were allowed to
        var routesStartedEarly = log.Contains("routes start");
        policy.Finish.SetResult();
        routes.Finish.SetResult();
        var report = await applying;

        Assert.Equal(guards, routesStartedEarly);
        if (guards)
        {
            Assert.Equal(["policy start", "routes start"], log.Take(2).Order(StringComparer.Ordinal));   // both under way at once
            Assert.Equal(["policy end", "routes end"], log.Skip(2));
        }
        else
        {
            Assert.Equal(["policy start", "policy end", "routes start", "routes end"], log);
        }
        Assert.True(report.Changed);
        Assert.Equal(2, report.ChangedObjects);
    }

    private sealed class FakeDriver(string name, List<string> log) : IDataplaneDriver, IWorkloadGuard
    {
        public bool Guards { get; init; }

        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<bool> GuardsWorkloadsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Guards);

        public void OnUpdate(DataplaneMessage message)
        {
        }

        public void Prepare(CancellationToken cancellationToken = default)
        {
        }

        public async Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default)
        {
            lock (log) log.Add(name + " start");
            await Finish.Task;
            if (name == "routes") await Task.Delay(20, cancellationToken);   // deterministic end order when both run
            lock (log) log.Add(name + " end");
            return new ApplyReport(name, true, 1, TimeSpan.FromMilliseconds(1));
        }

        public Task<ApplyReport> ResyncAsync(CancellationToken cancellationToken = default) => ApplyAsync(cancellationToken);
    }
}
