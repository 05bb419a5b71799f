using Brindle.Platform;

namespace Brindle.Dataplane.Ports;

/// <summary>Port for kernel settings (<c>net.ipv4.conf.cali1.proxy_arp</c> …) of the dataplane's network namespace.</summary>
public interface ISysctlWriter
{
    /// <summary>Writes every setting; returns the keys that could not be written (e.g. the interface does not exist yet).</summary>
    Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default);
}

/// <summary>
/// Writes sysctls straight to <c>/proc/sys</c> (no process per write). <c>/proc/sys/net</c> shows the network namespace
/// of the thread that opens a file: the caller's own (the agent runs inside its host's namespace), or, when
/// <paramref name="networkNamespace"/> is given, that named namespace, entered by a thread of its own
/// (<see cref="NetworkNamespaceThread"/>; tests and benchmarks). Keys use sysctl's spelling: dots separate components,
/// and a slash stands for a dot inside one (an interface named <c>eth0.100</c> is <c>net.ipv4.conf.eth0/100.forwarding</c>).
/// </summary>
public sealed class ProcSysctlWriter(string root = "/proc/sys", string? networkNamespace = null) : ISysctlWriter
{
    public Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        cancellationToken.ThrowIfCancellationRequested();
        if (settings.Count == 0) return Task.FromResult<IReadOnlyList<string>>([]);
        // Small synchronous writes to procfs: microseconds each, no need for async I/O.
        return Task.FromResult(NetworkNamespaceThread.Run(networkNamespace, () => Write(settings)));
    }

    private IReadOnlyList<string> Write(IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var failed = new List<string>();
        foreach (var (key, value) in settings)
        {
            try
            {
                // Open, never create: a key that does not exist is a failure, as in /proc/sys itself. A bare handle (no
                // FileStream): hundreds of keys per snapshot, each one open, one write, one close.
                using var file = File.OpenHandle(PathOf(key), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                RandomAccess.Write(file, System.Text.Encoding.ASCII.GetBytes(value), 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add(key);   // e.g. the interface does not exist (yet)
            }
        }
        return failed;
    }

    /// <summary><c>net.ipv4.conf.eth0/100.forwarding</c> → <c>ROOT/net/ipv4/conf/eth0.100/forwarding</c>.</summary>
    public string PathOf(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var components = key.Split('.').Select(c => c.Replace('/', '.'));
        return Path.Combine([root, .. components]);
    }
}
