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

/// <summary>What one apply did: how many kernel objects changed, and how long it took.</summary>
public sealed record ApplyReport(string Driver, bool Changed, int ChangedObjects, TimeSpan Duration)
{
    public static ApplyReport Unchanged(string driver) => new(driver, false, 0, TimeSpan.Zero);
}
