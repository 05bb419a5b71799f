using Brindle.Platform;

namespace Brindle.Dataplane.Ports;

/// <summary>Port for kernel settings (<c>net.ipv4.conf.cali1.proxy_arp</c> …) of the dataplane's network namespace.</summary>
public interface ISysctlWriter
{
    /// <summary>Writes every setting; returns the keys that could not be written (e.g. the interface does not exist yet).</summary>
    Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default);
}

/// <summary>Writes sysctls with <c>sysctl -w</c>, inside a named network namespace when given (one process per call).</summary>
public sealed class CommandSysctlWriter(ICommandRunner runner, string? networkNamespace = null) : ISysctlWriter
{
    public async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Count == 0) return [];
        // -e: ignore unknown keys instead of stopping; we then check which ones did not take.
        var command = new CommandSpec("sysctl", ["-q", "-e", "-w", .. settings.Select(s => $"{s.Key}={s.Value}")]).InNamespace(networkNamespace);
        var result = await runner.RunAsync(command, cancellationToken);
        if (result.Succeeded && result.StandardError.Length == 0) return [];
        return [.. settings.Select(s => s.Key).Where(k => result.StandardError.Contains(k, StringComparison.Ordinal) || !result.Succeeded)];
    }
}

/// <summary>
/// Writes sysctls straight to <c>/proc/sys</c> of the caller's own network namespace (no process per write; what the
/// agent uses, since it runs inside its host's namespace). Keys use sysctl's spelling: dots separate components,
/// and a slash stands for a dot inside one (an interface named <c>eth0.100</c> is <c>net.ipv4.conf.eth0/100.forwarding</c>).
/// </summary>
public sealed class ProcSysctlWriter(string root = "/proc/sys") : ISysctlWriter
{
    public async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var failed = new List<string>();
        foreach (var (key, value) in settings)
        {
            try
            {
                // Open, never create: a key that does not exist is a failure, as in /proc/sys itself.
                await using var file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
                await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes(value), cancellationToken);
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
