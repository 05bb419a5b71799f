namespace Brindle.Ipam.Ports;

/// <summary>The configured IP pools (IPPool resources), read fresh on every IPAM request.</summary>
public interface IIpamPoolSource
{
    Task<IReadOnlyList<IpamPool>> GetPoolsAsync(CancellationToken cancellationToken);
}
