using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Brindle.Testing;

/// <summary>How to start a test etcd.</summary>
public sealed record EtcdServerOptions
{
    /// <summary>Serve clients over TLS with in-process generated certificates and require client certificates.</summary>
    public bool Tls { get; init; }

    /// <summary>etcd's <c>--max-txn-ops</c> (etcd's default is 128).</summary>
    public int? MaxTxnOps { get; init; }

    /// <summary>etcd's <c>--max-request-bytes</c> (etcd's default is 1.5 MiB).</summary>
    public long? MaxRequestBytes { get; init; }
}

/// <summary>
/// A real etcd (Debian's <c>etcd-server</c>) on 127.0.0.1 with free random client and peer ports and its own data directory.
/// <see cref="StartAsync"/> returns only when the server is healthy and proven to be ours (the member list names our
/// unique member; another etcd on a clashing port would answer with a different name). Stopped by PID on dispose.
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    private const int MaxStartAttempts = 3;
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _directory;
    private readonly EtcdServerOptions _options;
    private readonly string _memberName;
    private readonly StringBuilder _log = new();
    private int _clientPort;
    private int _peerPort;
    private Process? _process;

    private EtcdServer(EtcdServerOptions options)
    {
        _options = options;
        _directory = new TempDirectory("brindle-etcd");
        _memberName = $"bt-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];
        Certificates = options.Tls ? TestCertificates.Generate(_directory.Combine("tls")) : null;
    }

    /// <summary>The client URL, e.g. <c>http://127.0.0.1:41234</c> (https with <see cref="EtcdServerOptions.Tls"/>).</summary>
    public string Endpoint => $"{(Certificates is null ? "http" : "https")}://127.0.0.1:{_clientPort}";

    public int ProcessId => _process?.Id ?? 0;

    public string MemberName => _memberName;

    /// <summary>The CA, server and client PEM files when started with TLS; null otherwise.</summary>
    public TestCertificates? Certificates { get; }

    /// <summary>The etcd process's output so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static async Task<EtcdServer> StartAsync(EtcdServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new EtcdServer(options ?? new EtcdServerOptions());
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                server._clientPort = FreePort();
                server._peerPort = FreePort();
                if (await server.LaunchAsync(freshCluster: true, cancellationToken)) return server;
                if (attempt == MaxStartAttempts)
                    throw new InvalidOperationException($"etcd did not become healthy after {MaxStartAttempts} attempts. Log:\n{server.Log}");
                if (Directory.Exists(server.DataDir)) Directory.Delete(server.DataDir, recursive: true);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (by PID) and starts it again on the same ports with the same data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        if (!await LaunchAsync(freshCluster: false, cancellationToken))
            throw new InvalidOperationException($"etcd did not come back after a restart. Log:\n{Log}");
    }

    /// <summary>Stops the server by PID (SIGKILL) and waits for it to exit; the data directory stays for a restart.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(StopTimeout);
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _directory.Dispose();
    }

    private string DataDir => _directory.Combine("data");

    private async Task<bool> LaunchAsync(bool freshCluster, CancellationToken cancellationToken)
    {
        var scheme = Certificates is null ? "http" : "https";
        var clientUrl = $"{scheme}://127.0.0.1:{_clientPort}";
        var peerUrl = $"http://127.0.0.1:{_peerPort}";
        var info = new ProcessStartInfo("etcd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--name", _memberName, "--data-dir", DataDir,
            "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", $"{_memberName}={peerUrl}", "--initial-cluster-token", _memberName,
            "--initial-cluster-state", freshCluster ? "new" : "existing",
        ];
        foreach (var a in args) info.ArgumentList.Add(a);
        if (_options.MaxTxnOps is { } ops) info.ArgumentList.Add($"--max-txn-ops={ops}");
        if (_options.MaxRequestBytes is { } bytes) info.ArgumentList.Add($"--max-request-bytes={bytes}");
        if (Certificates is { } c)
        {
            foreach (var a in new[] { "--cert-file", c.ServerCertFile, "--key-file", c.ServerKeyFile, "--trusted-ca-file", c.CaCertFile, "--client-cert-auth" })
                info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = CreateHttpClient();
        var deadline = DateTime.UtcNow + HealthTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await StopAsync();
                return false;
            }
            if (await IsOursAsync(http, clientUrl, cancellationToken)) return true;
            await Task.Delay(HealthPollInterval, cancellationToken);
        }
        await StopAsync();
        return false;
    }

    /// <summary>True if the server at <paramref name="clientUrl"/> is healthy and its only member is ours.</summary>
    private async Task<bool> IsOursAsync(HttpClient http, string clientUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"{clientUrl}/v3/cluster/member/list", new { }, cancellationToken);
            if (!response.IsSuccessStatusCode) return false;
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (!doc.RootElement.TryGetProperty("members", out var members)) return false;
            return members.EnumerateArray().Any(m => m.TryGetProperty("name", out var n) && n.GetString() == _memberName)
                && members.GetArrayLength() == 1;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler();
        if (Certificates is { } c)
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(c.CaCertFile));
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [X509Certificate2.CreateFromPemFile(c.ClientCertFile, c.ClientKeyFile)],
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    if (cert is null) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(cert));
                },
            };
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Length < 200_000) _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
