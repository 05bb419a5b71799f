namespace Brindle.Dataplane.Tests.Privileged;

/// <summary>A test that needs root, network namespaces and nft; skipped with the reason when not root.</summary>
public sealed class PrivilegedFactAttribute : FactAttribute
{
    public PrivilegedFactAttribute()
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root" && !IsRoot())
        {
            Skip = "needs root (network namespaces, nftables)";
        }
    }

    private static bool IsRoot() => File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];
}
