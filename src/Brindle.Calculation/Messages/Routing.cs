using System.Net;

namespace Brindle.Calculation.Messages;

/// <summary>An IP pool, for NAT-outgoing (and, later, encapsulation).</summary>
/// <param name="Masquerade">The pool's <c>natOutgoing</c>: traffic from the pool to anything outside all pools is masqueraded.</param>
public sealed record IPPoolUpdate(string Id, IPNetwork Cidr, bool Masquerade) : DataplaneMessage;

/// <summary>The pool is gone (or disabled for this host).</summary>
public sealed record IPPoolRemove(string Id) : DataplaneMessage;

/// <summary>Kinds of route the calculation graph asks the host to hold.</summary>
public enum RouteType
{
    /// <summary>A local workload's address; the route goes to <see cref="RouteUpdate.InterfaceName"/>. (The route dataplane also derives these from <see cref="WorkloadEndpointUpdate"/>.)</summary>
    LocalWorkload,

    /// <summary>An IPAM block affine to another host, reached via <see cref="RouteUpdate.Gateway"/> (when BGP does not provide it).</summary>
    RemoteBlock,

    /// <summary>An IPAM block affine to this host: a blackhole so that only the /32s of live workloads are reachable and BGP can advertise the aggregate.</summary>
    Blackhole,
}

/// <summary>One route keyed by its destination.</summary>
public sealed record RouteUpdate(IPNetwork Destination, RouteType Type, string? InterfaceName = null, IPAddress? Gateway = null) : DataplaneMessage;

/// <summary>The route for this destination is no longer wanted.</summary>
public sealed record RouteRemove(IPNetwork Destination) : DataplaneMessage;

/// <summary>The calculation graph has sent its first complete snapshot; stale kernel objects may now be removed.</summary>
public sealed record InSync : DataplaneMessage
{
    public static InSync Instance { get; } = new();
}
