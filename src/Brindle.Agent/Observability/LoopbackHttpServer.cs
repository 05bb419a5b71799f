using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Brindle.Agent.Observability;

/// <summary>One HTTP response: status code, content type and body.</summary>
public sealed record HttpReply(int Status, string ContentType, string Body)
{
    public static HttpReply NotFound(string path) => new(404, "text/plain; charset=utf-8", $"no such path: {path}\n");
}

/// <summary>
/// A minimal HTTP/1.1 server for probes and scrapes on 127.0.0.1 (no ASP.NET): each connection sends one
/// <c>GET PATH</c> (or <c>HEAD</c>) request and gets one response, then the connection is closed. The handler maps the
/// path (without query) to a reply. Bounded: at most <see cref="MaxConnections"/> requests at once, a request head
/// of at most <see cref="MaxRequestBytes"/>, read within <see cref="RequestTimeout"/>. Idle cost: one pending accept.
/// </summary>
public sealed partial class LoopbackHttpServer : IAsyncDisposable
{
    public const int MaxConnections = 16;
    public const int MaxRequestBytes = 8192;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _listener;
    private readonly Func<string, HttpReply> _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _active;

    private LoopbackHttpServer(Socket listener, Func<string, HttpReply> handler, ILogger logger)
    {
        _listener = listener;
        _handler = handler;
        _logger = logger;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    /// <summary>The bound port (the ephemeral one when started on port 0).</summary>
    public int Port { get; }

    /// <summary>Binds 127.0.0.1:<paramref name="port"/> and starts serving. Throws <see cref="SocketException"/> when the port cannot be bound.</summary>
    public static LoopbackHttpServer Start(int port, Func<string, HttpReply> handler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(logger);
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(MaxConnections);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new LoopbackHttpServer(listener, handler, logger);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.AcceptFailed(_logger, Port, e.Message);
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            if (Interlocked.Increment(ref _active) > MaxConnections)
            {
                Interlocked.Decrement(ref _active);
                client.Dispose();
                continue;
            }
            _ = ServeAsync(client, ct);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        try
        {
            using (client)
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(RequestTimeout);
                var head = await ReadHeadAsync(client, timeout.Token).ConfigureAwait(false);
                var reply = Respond(head);
                var body = Encoding.UTF8.GetBytes(reply.Body);
                var isHead = head?.StartsWith("HEAD ", StringComparison.Ordinal) == true;
                var header = $"HTTP/1.1 {reply.Status} {Reason(reply.Status)}\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await client.SendAsync(Encoding.ASCII.GetBytes(header), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (!isHead) await client.SendAsync(body, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away or was too slow: nothing to answer
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>The request line and headers (up to the blank line), or null when the client sent too much or closed early.</summary>
    private static async Task<string?> ReadHeadAsync(Socket client, CancellationToken ct)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, ct).ConfigureAwait(false);
            if (read == 0) return null;
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal) || text.Contains("\n\n", StringComparison.Ordinal)) return text;
        }
        return null;
    }

    private HttpReply Respond(string? head)
    {
        var requestLine = head?.Split('\n', 2)[0].TrimEnd('\r').Split(' ');
        if (requestLine is not [var method, var target, var version] || !version.StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return new HttpReply(400, "text/plain; charset=utf-8", "bad request\n");
        }
        if (method is not ("GET" or "HEAD")) return new HttpReply(405, "text/plain; charset=utf-8", "only GET and HEAD\n");
        var path = target.Split('?', 2)[0];
        return _handler(path);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6200, Level = LogLevel.Warning, Message = "HTTP accept on 127.0.0.1:{Port} failed: {Error}")]
        public static partial void AcceptFailed(ILogger logger, int port, string error);
    }
}
