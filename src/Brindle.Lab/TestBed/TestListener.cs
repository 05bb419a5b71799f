using System.Net;
using System.Net.Sockets;

namespace Brindle.Lab.TestBed;

/// <summary>
/// A TCP or UDP echo server on every address (IPv4 and IPv6) of a namespace. TCP connections are echoed until the
/// client closes, so a test can keep a flow open across a dataplane restart.
/// </summary>
public sealed class TestListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TestListener(TestNamespace ns, ProtocolType protocol, int port)
    {
        ArgumentNullException.ThrowIfNull(ns);
        Protocol = protocol;
        Port = port;
        _socket = NetnsSockets.Create(ns.Namespace, AddressFamily.InterNetworkV6, protocol == ProtocolType.Tcp ? SocketType.Stream : SocketType.Dgram, protocol);
        _socket.DualMode = true;
        _socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        if (protocol == ProtocolType.Tcp)
        {
            _socket.Listen(64);
            _loop = AcceptLoopAsync(_stop.Token);
        }
        else
        {
            _loop = EchoLoopAsync(_stop.Token);
        }
    }

    public ProtocolType Protocol { get; }

    public int Port { get; }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try { client = await _socket.AcceptAsync(ct); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = EchoStreamAsync(client, ct);
        }
    }

    private static async Task EchoStreamAsync(Socket client, CancellationToken ct)
    {
        using (client)
        {
            var buffer = new byte[1024];
            try
            {
                int n;
                while ((n = await client.ReceiveAsync(buffer, ct)) > 0) await client.SendAsync(buffer.AsMemory(0, n), ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Client gone or listener stopped.
            }
        }
    }

    private async Task EchoLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[2048];
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.IPv6Any, 0), ct);
                await _socket.SendToAsync(buffer.AsMemory(0, result.ReceivedBytes), result.RemoteEndPoint, ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException)
            {
                // An ICMP error from an earlier reply; keep serving.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try { await _loop; } catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        _stop.Dispose();
    }
}
