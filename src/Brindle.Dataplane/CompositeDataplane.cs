using Brindle.Calculation.Messages;
using Brindle.Dataplane.Nftables;
using Brindle.Dataplane.Ports;
using Brindle.Dataplane.Routes;
using Brindle.Platform;
using Microsoft.Extensions.Logging;

namespace Brindle.Dataplane;

/// <summary>
/// Feeds every message to each driver and applies them in the given order. Put nftables before routes: a
/// workload becomes reachable only through its route, and its policy must be in the kernel first. Once the policy
/// driver guards workloads (<see cref="IWorkloadGuard"/>: the kernel drops every workload interface that has no
/// programmed chain), an apply runs all drivers at the same time instead, since a route that lands first leads only
/// to that drop.
/// </summary>
public sealed class CompositeDataplane(IReadOnlyList<IDataplaneDriver> drivers) : IDataplaneDriver
{
    public IReadOnlyList<IDataplaneDriver> Drivers => drivers;

    /// <summary>The Linux dataplane of one host (or of a named network namespace): nftables, then routes.</summary>
    public static CompositeDataplane ForLinux(ICommandRunner runner, string? networkNamespace = null, TimeProvider? time = null, ILogger? logger = null) =>
        new([
            new NftablesDataplane(runner, networkNamespace, time, logger),
            new RouteDataplane(runner, new ProcSysctlWriter(networkNamespace: networkNamespace), networkNamespace, time, logger),
        ]);

    public void OnUpdate(DataplaneMessage message)
    {
        foreach (var driver in drivers) driver.OnUpdate(message);
    }

    public void Prepare(CancellationToken cancellationToken = default)
    {
        foreach (var driver in drivers) driver.Prepare(cancellationToken);   // reads only: all at once
    }

    public async Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default)
    {
        var guard = drivers.OfType<IWorkloadGuard>().FirstOrDefault();
        if (drivers.Count < 2 || guard is null || !await guard.GuardsWorkloadsAsync(cancellationToken))
        {
            return await RunAll((d, ct) => d.ApplyAsync(ct), cancellationToken);
        }
        // The others on the thread pool (their synchronous parts, e.g. sysctl writes, must not delay the guard's rendering).
        var others = drivers.Where(d => !ReferenceEquals(d, guard)).Select(d => Task.Run(() => d.ApplyAsync(cancellationToken), cancellationToken)).ToList();
        var reports = await Task.WhenAll([.. others, ((IDataplaneDriver)guard).ApplyAsync(cancellationToken)]);
        return new ApplyReport("all", reports.Any(r => r.Changed), reports.Sum(r => r.ChangedObjects), reports.Max(r => r.Duration));
    }

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
