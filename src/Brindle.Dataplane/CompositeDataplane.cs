using Brindle.Calculation.Messages;

namespace Brindle.Dataplane;

/// <summary>
/// Feeds every message to each driver and applies them in the given order. Put nftables before routes: a
/// workload becomes reachable only through its route, and its policy must be in the kernel first.
/// </summary>
public sealed class CompositeDataplane(IReadOnlyList<IDataplaneDriver> drivers) : IDataplaneDriver
{
    public IReadOnlyList<IDataplaneDriver> Drivers => drivers;

    public void OnUpdate(DataplaneMessage message)
    {
        foreach (var driver in drivers) driver.OnUpdate(message);
    }

    public Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default) => RunAll((d, ct) => d.ApplyAsync(ct), cancellationToken);

    public Task<ApplyReport> ResyncAsync(CancellationToken cancellationToken = default) => RunAll((d, ct) => d.ResyncAsync(ct), cancellationToken);

    private async Task<ApplyReport> RunAll(Func<IDataplaneDriver, CancellationToken, Task<ApplyReport>> action, CancellationToken ct)
    {
        var changed = false;
        var objects = 0;
        var duration = TimeSpan.Zero;
        foreach (var driver in drivers)
        {
            var report = await action(driver, ct);   // in order: policy before reachability
            changed |= report.Changed;
            objects += report.ChangedObjects;
            duration += report.Duration;
        }
        return new ApplyReport("all", changed, objects, duration);
    }
}
