using Brindle.Calculation.Messages;

namespace Brindle.Dataplane;

/// <summary>
/// A reconciler the agent feeds with dataplane messages. <see cref="OnUpdate"/> only records desired state (no
/// I/O); <see cref="ApplyAsync"/> brings the kernel to it with the minimal change; <see cref="ResyncAsync"/>
/// re-reads the kernel first, repairing drift. Not thread-safe: one apply loop calls all three.
/// </summary>
public interface IDataplaneDriver
{
    void OnUpdate(DataplaneMessage message);

    Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default);

    Task<ApplyReport> ResyncAsync(CancellationToken cancellationToken = default);
}

/// <summary>What one apply did: how many kernel objects changed, and how long it took.</summary>
public sealed record ApplyReport(string Driver, bool Changed, int ChangedObjects, TimeSpan Duration)
{
    public static ApplyReport Unchanged(string driver) => new(driver, false, 0, TimeSpan.Zero);
}
