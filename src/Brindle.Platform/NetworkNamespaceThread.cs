using System.Runtime.InteropServices;

namespace Brindle.Platform;

/// <summary>
/// Runs a piece of work inside a named network namespace (<c>/run/netns/NAME</c>) without a child process: a fresh
/// thread enters the namespace with <c>setns</c>, runs the work and ends. What the work opens there stays bound to that
/// namespace whichever thread uses it later: a socket, a netlink handle, a file under <c>/proc/sys/net</c>.
/// </summary>
/// <remarks>
/// <c>setns(CLONE_NEWNET)</c> changes only the calling thread, and the thread is never returned to a pool, so no other
/// work ever runs in the namespace by accident. Needs CAP_SYS_ADMIN (root), as <c>ip netns exec</c> does.
/// </remarks>
public static partial class NetworkNamespaceThread
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>Runs <paramref name="work"/> in network namespace <paramref name="netns"/> (in the caller's own when null).</summary>
    /// <exception cref="InvalidOperationException">The namespace cannot be entered (it does not exist, or no privilege).</exception>
    public static T Run<T>(string? netns, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (netns is null) return work();
        T result = default!;
        Exception? enterError = null, workError = null;
        var thread = new Thread(() =>
        {
            try
            {
                EnterOnThisThread(netns);
            }
            catch (InvalidOperationException e)
            {
                enterError = e;
                return;
            }
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                workError = e;
            }
        }) { Name = "netns " + netns, IsBackground = true };
        thread.Start();
        thread.Join();
        if (enterError is not null) throw enterError;
        if (workError is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(workError);
        return result;
    }

    /// <summary>
    /// Moves the calling thread into network namespace <paramref name="netns"/>, for good: only for a thread of one's own
    /// that is never returned to a pool (e.g. one that owns a netlink handle bound to that namespace).
    /// </summary>
    /// <exception cref="InvalidOperationException">The namespace cannot be entered (it does not exist, or no privilege).</exception>
    public static void EnterOnThisThread(string netns)
    {
        ArgumentException.ThrowIfNullOrEmpty(netns);
        try
        {
            using var target = File.OpenHandle(Path.Combine("/run/netns", netns));
            if (SetNs((int)target.DangerousGetHandle(), CloneNewNet) != 0) throw new IOException($"setns failed (errno {Marshal.GetLastPInvokeError()})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot enter network namespace '{netns}': {e.Message}", e);
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
