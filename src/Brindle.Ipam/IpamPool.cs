using System.Net;
using System.Net.Sockets;

namespace Brindle.Ipam;

/// <summary>The part of an IPPool that IPAM needs; IPAM does not depend on the resource model.</summary>
/// <param name="Cidr">The pool's CIDR.</param>
/// <param name="BlockSize">Prefix length of the pool's blocks; 0 means the default (26 for IPv4, 122 for IPv6).</param>
/// <param name="NodeSelector">Calico selector over node labels; empty means <c>all()</c>.</param>
/// <param name="Disabled">A disabled pool is never used for new automatic allocations.</param>
/// <param name="AllowedUses">"Workload", "Tunnel", "LoadBalancer"; empty means Workload and Tunnel.</param>
public sealed record IpamPool(IPNetwork Cidr, int BlockSize = 0, string NodeSelector = "", bool Disabled = false, IReadOnlyList<string>? AllowedUses = null)
{
    public const int DefaultBlockSizeV4 = 26;
    public const int DefaultBlockSizeV6 = 122;

    public AddressFamily Family => Cidr.BaseAddress.AddressFamily;

    public int EffectiveBlockSize => BlockSize != 0 ? BlockSize : Family == AddressFamily.InterNetwork ? DefaultBlockSizeV4 : DefaultBlockSizeV6;

    /// <summary>Whether the pool may serve <paramref name="use"/> (Calico's default allowed uses are Workload and Tunnel).</summary>
    public bool Allows(string use) =>
        AllowedUses is { Count: > 0 } uses ? uses.Contains(use, StringComparer.OrdinalIgnoreCase) : use is IpamUses.Workload or IpamUses.Tunnel;

    /// <summary>Problems that make the pool unusable for IPAM (Calico's IPPool rules that IPAM relies on).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var (min, max) = Family == AddressFamily.InterNetwork ? (20, 32) : (116, 128);
        if (EffectiveBlockSize < min || EffectiveBlockSize > max)
            errors.Add($"IPPool {Cidr}: blockSize {EffectiveBlockSize} must be between {min} and {max}.");
        else if (Cidr.PrefixLength > EffectiveBlockSize && !Disabled)
            errors.Add($"IPPool {Cidr}: prefix /{Cidr.PrefixLength} is longer than blockSize {EffectiveBlockSize}.");
        return errors;
    }
}
