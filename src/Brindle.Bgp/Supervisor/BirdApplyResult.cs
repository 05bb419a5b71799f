namespace Brindle.Bgp.Supervisor;

public enum BirdApplyOutcome
{
    /// <summary>Same text as the file BIRD runs with; nothing was done.</summary>
    Unchanged,
    /// <summary>New text checked, written, and BIRD reconfigured.</summary>
    Reconfigured,
    /// <summary>BIRD was not running; it was started with the (new or unchanged) config.</summary>
    Started,
    /// <summary>The text failed BIRD's check (or reconfiguration); the previous file stays and BIRD keeps running it.</summary>
    Rejected,
    /// <summary>The config is valid but BIRD could not be started.</summary>
    StartFailed,
}

/// <summary>What <see cref="BirdSupervisor.ApplyAsync"/> did; <see cref="Error"/> quotes BIRD when it refused.</summary>
public sealed record BirdApplyResult(BirdApplyOutcome Outcome, string? Error = null)
{
    public bool Succeeded => Outcome is BirdApplyOutcome.Unchanged or BirdApplyOutcome.Reconfigured or BirdApplyOutcome.Started;
}
