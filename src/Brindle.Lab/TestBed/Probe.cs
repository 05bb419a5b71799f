using System.Net;
using System.Net.Sockets;
using System.Text;
using Brindle.Platform;

namespace Brindle.Lab.TestBed;

/// <summary>
/// Real-packet reachability checks from inside a namespace, each with a short timeout. They answer "did it get
/// through", never throw for a dropped packet.
/// </summary>
public static class Probe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(800);

    /// <summary>True if a TCP connection from <paramref name="from"/> to <paramref name="address"/>:<paramref name="port"/> is established in time.</summary>
    public static async Task<bool> TcpAsync(TestNamespace from, IPAddress address, int port, TimeSpan? timeout = null)
    {
        using var socket = await ConnectAsync(from, address, port, timeout);
        return socket is not null;
    }

    /// <summary>Opens a TCP connection (null if it fails); the caller keeps it to test an established flow.</summary>
    public static async Task<Socket?> ConnectAsync(TestNamespace from, IPAddress address, int port, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(address);
        var socket = NetnsSockets.Create(from.Namespace, address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            return socket;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>True if <paramref name="socket"/> (a connection to a <see cref="TestListener"/>) still echoes in time.</summary>
    public static async Task<bool> EchoAsync(Socket socket, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var payload = Encoding.ASCII.GetBytes("brindle-echo");
        var buffer = new byte[payload.Length];
        try
        {
            await socket.SendAsync(payload, cts.Token);
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(read), cts.Token);
                if (n == 0) return false;
                read += n;
            }
            return buffer.AsSpan().SequenceEqual(payload);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    /// <summary>True if a UDP datagram to a <see cref="TestListener"/> comes back in time.</summary>
    public static async Task<bool> UdpAsync(TestNamespace from, IPAddress address, int port, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(address);
        using var socket = NetnsSockets.Create(from.Namespace, address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var payload = Encoding.ASCII.GetBytes("brindle-probe");
        var buffer = new byte[64];
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            await socket.SendAsync(payload, cts.Token);
            var n = await socket.ReceiveAsync(buffer, cts.Token);
            return buffer.AsSpan(0, n).SequenceEqual(payload);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    /// <summary>True if one ICMP (or ICMPv6) echo gets a reply within a second.</summary>
    public static async Task<bool> PingAsync(TestNamespace from, IPAddress address, ICommandRunner? runner = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(address);
        var family = address.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4";
        var command = CommandSpec.Of("ping", family, "-n", "-q", "-c", "1", "-W", "1", address.ToString()).InNamespace(from.Namespace)
            with { Timeout = TimeSpan.FromSeconds(5) };
        var result = await (runner ?? ProcessCommandRunner.Instance).RunAsync(command);
        return result.Succeeded;
    }
}
