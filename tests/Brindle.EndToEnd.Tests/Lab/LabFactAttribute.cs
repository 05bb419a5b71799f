namespace Brindle.Lab.Tests;

/// <summary>A lab test: needs root (namespaces, nftables, BIRD, etcd); skipped otherwise.</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess) Skip = "needs root (network namespaces, nftables, BIRD, etcd)";
    }
}
