using System.Net;

namespace Brindle.Lab;

/// <summary>Which datastore a lab runs on.</summary>
public enum LabDatastore
{
    /// <summary>One SQLite file under the lab's data directory.</summary>
    Embedded,

    /// <summary>Real etcd processes listening inside the fabric namespace.</summary>
    Etcd,
}

/// <summary>How the lab's nodes exchange routes.</summary>
public enum LabBgpMode
{
    /// <summary>Calico's default node-to-node full mesh in one AS.</summary>
    Mesh,

    /// <summary>Mesh off; node1 is a route reflector, every other node peers only with it.</summary>
    RouteReflector,

    /// <summary>Mesh off; a ToR BIRD in the fabric (AS 65000) peers with every node, each node in its own AS.</summary>
    AsPerRack,
}

/// <summary>What <c>brindle lab up</c> builds. Validated by <see cref="Validate"/> before anything is created.</summary>
public sealed record LabOptions
{
    public const string DefaultName = "brindle";
    public const int MaxNodes = 50;

    public string Name { get; init; } = DefaultName;

    public int Nodes { get; init; } = 3;

    public LabDatastore Datastore { get; init; } = LabDatastore.Embedded;

    public int EtcdMembers { get; init; } = 1;

    public LabBgpMode Bgp { get; init; } = LabBgpMode.Mesh;

    public IPNetwork Pool { get; init; } = IPNetwork.Parse("192.168.0.0/16");

    public IPNetwork Underlay { get; init; } = IPNetwork.Parse("172.31.0.0/24");

    public bool Demo { get; init; } = true;

    /// <summary>Every problem with the options, as one line each (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!LabLayout.IsValidName(Name)) errors.Add($"--name '{Name}' must be 1-12 lower-case letters, digits or '-', starting with a letter");
        if (Nodes is < 1 or > MaxNodes) errors.Add($"--nodes {Nodes} must be between 1 and {MaxNodes}");
        if (EtcdMembers is not (1 or 3)) errors.Add($"--etcd-members {EtcdMembers} must be 1 or 3");
        if (Datastore == LabDatastore.Embedded && EtcdMembers != 1) errors.Add("--etcd-members needs --datastore etcd");
        if (Pool.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || Pool.PrefixLength is < 8 or > 26)
            errors.Add($"--pool {Pool} must be an IPv4 CIDR between /8 and /26");
        if (Underlay.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || Underlay.PrefixLength is < 8 or > 26)
            errors.Add($"--underlay {Underlay} must be an IPv4 CIDR between /8 and /26");
        else if (LabLayout.HostCount(Underlay) < Nodes + LabLayout.FirstNodeHost)
            errors.Add($"--underlay {Underlay} is too small for {Nodes} nodes (needs {Nodes + LabLayout.FirstNodeHost} addresses)");
        if (Pool.Contains(Underlay.BaseAddress) || Underlay.Contains(Pool.BaseAddress))
            errors.Add($"--pool {Pool} and --underlay {Underlay} overlap; choose ranges that do not");
        return errors;
    }
}
