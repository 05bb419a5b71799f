namespace Brindle.Datastore.Sqlite;

/// <summary>A level-free wake-up: <see cref="Next"/> is a task completed by the next <see cref="Signal"/> call.
/// Take <see cref="Next"/> before checking for work, so a signal between the check and the wait is never missed.</summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Signal()
    {
        var fired = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        fired.TrySetResult();
    }
}
