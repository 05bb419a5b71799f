using Brindle.Calculation.Messages;

namespace Brindle.Dataplane;

/// <summary>
/// A reconciler the agent feeds with dataplane messages. <see cref="OnUpdate"/> only records desired state (no
/// I/O); <see cref="ApplyAsync"/> brings the kernel to it with the minimal change; <see cref="ResyncAsync"/>
/// re-reads the kernel first, repairing drift. <see cref="Prepare"/> starts that read early. Not thread-safe: one
/// apply loop calls all four.
/// </summary>
public interface IDataplaneDriver
{
    void OnUpdate(DataplaneMessage message);

    /// <summary>
    /// Starts reading the kernel's actual state in the background when it is not known yet, so that the first
    /// <see cref="ApplyAsync"/> finds it ready instead of waiting for it (the agent calls this before the snapshot is
    /// calculated; the read and the calculation then overlap). No I/O is awaited; a failed read surfaces from the
    /// next apply, which reads again.
    /// </summary>
    void Prepare(CancellationToken cancellationToken = default);

    Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default);

    Task<ApplyReport> ResyncAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A driver whose kernel state can make the other drivers' changes safe to apply at the same time as its own: the
/// policy driver, once the kernel drops all traffic of workload interfaces that have no programmed policy.
/// </summary>
public interface IWorkloadGuard
{
    /// <summary>
    /// True when the kernel holds this driver's catch-all drop for every workload interface prefix of the current
    /// configuration, as this driver itself last wrote it (never on state merely read back, whose rules it cannot
    /// vouch for). Routes and sysctls may then go in alongside the policy rather than after it: a workload reached
    /// before its policy chain exists is dropped. Awaits a read started by <see cref="IDataplaneDriver.Prepare"/>.
    /// </summary>
    Task<bool> GuardsWorkloadsAsync(CancellationToken cancellationToken = default);
}

/// <summary>What one apply did: how many kernel objects changed, and how long it took.</summary>
public sealed record ApplyReport(string Driver, bool Changed, int ChangedObjects, TimeSpan Duration)
{
    public static ApplyReport Unchanged(string driver) => new(driver, false, 0, TimeSpan.Zero);
}
