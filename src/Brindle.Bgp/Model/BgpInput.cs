using System.Net;

namespace Brindle.Bgp.Model;

/// <summary>
/// Everything the BIRD configuration of one node depends on, as plain values (no datastore types).
/// </summary>
/// <remarks>
/// A mapper from <c>Brindle.Api</c> resources (Node, BGPConfiguration, BGPPeer, IPPool, IPAM block affinities) builds
/// this; the renderer is a pure function of it. Selectors are matched through <see cref="SelectorMatcher"/> so this
/// project needs no selector engine: <c>(selector, labels) =&gt; matches</c>.
/// </remarks>
public sealed record BgpInput(
    BgpNodeInput Node,
    IReadOnlyList<BgpNodeInput> AllNodes,
    BgpSettings Settings,
    IReadOnlyList<BgpPeerInput> Peers,
    IReadOnlyList<BgpPoolInput> Pools,
    IReadOnlyList<IPNetwork> AffinityBlocks,
    IReadOnlyList<IPNetwork> BorrowedAddresses)
{
    /// <summary>Calico selector matching, injected. Default: only <c>all()</c> and the empty selector match.</summary>
    public Func<string, IReadOnlyDictionary<string, string>, bool> SelectorMatcher { get; init; } = DefaultMatcher;

    /// <summary>Optional file BIRD also logs to (besides stderr), for the supervisor's diagnostics.</summary>
    public string? LogFile { get; init; }

    private static bool DefaultMatcher(string selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Trim() is "" or "all()";
}

/// <summary>One node as BGP sees it (Calico's <c>Node.spec.bgp</c> plus labels).</summary>
/// <param name="AsNumber">Per-node AS; null means the cluster AS from <see cref="BgpSettings.AsNumber"/>.</param>
/// <param name="RouteReflectorClusterId">Set (an IPv4 dotted quad) when this node is a route reflector.</param>
public sealed record BgpNodeInput(
    string Name,
    IPAddress? IPv4Address,
    IPAddress? IPv6Address,
    uint? AsNumber,
    string? RouteReflectorClusterId,
    IReadOnlyDictionary<string, string> Labels)
{
    public static BgpNodeInput Of(string name, string ipv4, uint? asNumber = null, string? clusterId = null, IReadOnlyDictionary<string, string>? labels = null) =>
        new(name, IPAddress.Parse(ipv4), null, asNumber, clusterId, labels ?? new Dictionary<string, string>());

    public bool IsRouteReflector => !string.IsNullOrEmpty(RouteReflectorClusterId);
}

/// <summary>Calico's <c>BGPConfiguration</c> (the "default" one), reduced to what BIRD needs.</summary>
public sealed record BgpSettings
{
    public const uint DefaultAsNumber = 64512;
    public const int DefaultRestartTimeSeconds = 120;

    public bool NodeToNodeMeshEnabled { get; init; } = true;
    public uint AsNumber { get; init; } = DefaultAsNumber;
    /// <summary>BGP port this node listens on and connects to on mesh peers; null means 179.</summary>
    public int? ListenPort { get; init; }
    public bool GracefulRestart { get; init; } = true;
    /// <summary><c>nodeMeshMaxRestartTime</c>, in seconds.</summary>
    public int MeshRestartTimeSeconds { get; init; } = DefaultRestartTimeSeconds;
    /// <summary><c>nodeMeshPassword</c> (resolved secret), TCP MD5 on mesh sessions.</summary>
    public string? MeshPassword { get; init; }
    public BgpLogSeverity LogSeverity { get; init; } = BgpLogSeverity.Info;
}

/// <summary>Calico's <c>logSeverityScreen</c> for BGP.</summary>
public enum BgpLogSeverity { Debug, Info, Warning, Error, Fatal }

/// <summary>
/// A BGPPeer. Exactly one of three scopes: global (no <see cref="Node"/>, no selectors), one node (<see cref="Node"/>),
/// or selected nodes (<see cref="NodeSelector"/>). With <see cref="PeerSelector"/> the peers are the selected nodes
/// instead of <see cref="PeerIP"/>.
/// </summary>
public sealed record BgpPeerInput(string Name)
{
    public string? Node { get; init; }
    public string? NodeSelector { get; init; }
    public string? PeerSelector { get; init; }
    public IPAddress? PeerIP { get; init; }
    public int? PeerPort { get; init; }
    public uint? AsNumber { get; init; }
    /// <summary>Resolved <c>password.secretKeyRef</c>.</summary>
    public string? Password { get; init; }
    public BgpNextHopMode NextHopMode { get; init; } = BgpNextHopMode.Auto;
    public int? MaxRestartTimeSeconds { get; init; }
    /// <summary>
    /// Brindle extension for the "downward default" design: also accept a default route from this peer (a ToR that
    /// announces only 0.0.0.0/0 and ::/0 downward). Off by default: nothing but pool routes is ever imported.
    /// </summary>
    public bool AcceptDefaultRoute { get; init; }

    public bool IsGlobal => Node is null && string.IsNullOrWhiteSpace(NodeSelector);
}

/// <summary>Calico's <c>nextHopMode</c>: Auto (BIRD's default: self for eBGP, keep for iBGP), Self, Keep.</summary>
public enum BgpNextHopMode { Auto, Self, Keep }

/// <summary>An IP pool as BGP sees it.</summary>
public sealed record BgpPoolInput(IPNetwork Cidr)
{
    public bool DisableBgpExport { get; init; }
    public BgpEncapsulation IpipMode { get; init; } = BgpEncapsulation.Never;
    public BgpEncapsulation VxlanMode { get; init; } = BgpEncapsulation.Never;

    /// <summary>Routes for this pool are programmed by the dataplane (tunnel devices), not by BIRD.</summary>
    public bool IsEncapsulated => IpipMode != BgpEncapsulation.Never || VxlanMode != BgpEncapsulation.Never;
}

public enum BgpEncapsulation { Never, Always, CrossSubnet }
