using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Brindle.Lab.TestBed;

/// <summary>
/// Creates sockets inside a named network namespace without a child process: a dedicated thread enters the
/// namespace with <c>setns</c>, creates the socket and leaves again. A socket stays in the namespace it was
/// created in, so it can then be used from any thread.
/// </summary>
public static partial class NetnsSockets
{
    private const int CloneNewNet = 0x40000000;

    public static Socket Create(string netns, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var original = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(Path.Combine("/run/netns", netns));
                Enter(target.DangerousGetHandle());
                try
                {
                    socket = new Socket(family, type, protocol);
                }
                finally
                {
                    Enter(original.DangerousGetHandle());
                }
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException($"Cannot create a socket in network namespace '{netns}': {error.Message}", error);
        return socket!;
    }

    private static void Enter(nint fd)
    {
        if (SetNs((int)fd, CloneNewNet) != 0) throw new InvalidOperationException($"setns failed (errno {Marshal.GetLastPInvokeError()})");
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
