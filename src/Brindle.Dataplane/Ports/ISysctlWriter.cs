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
