using System.Net;

namespace Brindle.Ipam.Ports;

/// <summary>The CIDRs of every IPReservation: never handed out by automatic assignment.</summary>
public interface IIpamReservationSource
{
    Task<IReadOnlyList<IPNetwork>> GetReservedCidrsAsync(CancellationToken cancellationToken);
}
