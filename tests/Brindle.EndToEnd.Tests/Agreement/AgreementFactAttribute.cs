namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>An agreement test: needs root, network namespaces and nft; skipped with the reason otherwise.</summary>
public sealed class AgreementFactAttribute : FactAttribute
{
    public AgreementFactAttribute()
    {
        if (!IsRoot()) Skip = "needs root (network namespaces, nftables)";
    }

    private static bool IsRoot() => File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];
}
