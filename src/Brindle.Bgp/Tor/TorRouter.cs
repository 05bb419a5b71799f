using System.Net;

namespace Brindle.Bgp.Tor;

/// <summary>A top-of-rack router in the fabric, played by BIRD (for tests and the lab).</summary>
/// <param name="DownwardDefaultOnly">The seeds' "downward default" model: announce only a default route to hosts.</param>
public sealed record TorRouter(
    string Name,
    IPAddress Address,
    uint AsNumber,
    IReadOnlyList<TorNeighbor> Neighbors,
    bool DownwardDefaultOnly = false)
{
    public int? ListenPort { get; init; }
    public string? LogFile { get; init; }
}

/// <summary>A BGP neighbor of a ToR: a host in its rack, or another router in the fabric.</summary>
public sealed record TorNeighbor(string Name, IPAddress Address, uint AsNumber, TorNeighborRole Role)
{
    public int? Port { get; init; }
    public string? Password { get; init; }
}

public enum TorNeighborRole
{
    /// <summary>A host below this ToR: its pool routes come up; everything (or only a default) goes down.</summary>
    Host,
    /// <summary>Another ToR or spine: everything learned is exchanged.</summary>
    Fabric,
}
