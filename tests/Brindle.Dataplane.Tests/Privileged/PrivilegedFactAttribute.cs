namespace Brindle.Dataplane.Tests.Privileged;

/// <summary>A test that needs root, network namespaces and nft; skipped with the reason when not root.</summary>
public sealed class PrivilegedFactAttribute : FactAttribute
{
    public PrivilegedFactAttribute()
    {
        if (!Privileges.IsRoot) Skip = Privileges.SkipReason;
    }
}

/// <summary>The same for a theory.</summary>
public sealed class PrivilegedTheoryAttribute : TheoryAttribute
{
    public PrivilegedTheoryAttribute()
    {
        if (!Privileges.IsRoot) Skip = Privileges.SkipReason;
    }
}

internal static class Privileges
{
    public const string SkipReason = "needs root (network namespaces, nftables)";

    public static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || ProcessUidIsZero();

    private static bool ProcessUidIsZero() => File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];
}
