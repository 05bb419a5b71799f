using System.Net.Sockets;
using Brindle.Platform;

namespace Brindle.Lab.TestBed;

/// <summary>
/// Creates sockets inside a named network namespace without a child process (<see cref="NetworkNamespaceThread"/>).
/// A socket stays in the namespace it was created in, so it can then be used from any thread.
/// </summary>
public static class NetnsSockets
{
    public static Socket Create(string netns, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        try
        {
            return NetworkNamespaceThread.Run(netns, () => new Socket(family, type, protocol));
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"Cannot create a socket in network namespace '{netns}': {e.Message}", e);
        }
    }
}
