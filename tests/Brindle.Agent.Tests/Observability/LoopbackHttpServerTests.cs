using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Agent.Observability.Tests;

/// <summary>The real server on an ephemeral 127.0.0.1 port.</summary>
public sealed class LoopbackHttpServerTests
{
    internal static async Task<string> RequestAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Get_KnownAndUnknownPaths_StatusHeadersAndBody()
    {
        await using var server = LoopbackHttpServer.Start(0, path => path == "/ok" ? new HttpReply(200, "text/plain", "fine\n") : HttpReply.NotFound(path),
            NullLogger.Instance);
        var ok = await RequestAsync(server.Port, "GET /ok?verbose=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", ok, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 5\r\n", ok, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nfine\n", ok, StringComparison.Ordinal);

        Assert.StartsWith("HTTP/1.1 404 ", await RequestAsync(server.Port, "GET /nope HTTP/1.0\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 405 ", await RequestAsync(server.Port, "POST /ok HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400 ", await RequestAsync(server.Port, "garbage\r\n\r\n"), StringComparison.Ordinal);
        var head = await RequestAsync(server.Port, "HEAD /ok HTTP/1.1\r\n\r\n");
        Assert.EndsWith("\r\n\r\n", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PortInUse_ThrowsAndDispose_FreesThePort()
    {
        var first = LoopbackHttpServer.Start(0, HttpReply.NotFound, NullLogger.Instance);
        var port = first.Port;
        var e = Assert.Throws<SocketException>(() => LoopbackHttpServer.Start(port, HttpReply.NotFound, NullLogger.Instance));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        await first.DisposeAsync();
        await using var second = LoopbackHttpServer.Start(port, HttpReply.NotFound, NullLogger.Instance);
        Assert.Equal(port, second.Port);
    }
}
