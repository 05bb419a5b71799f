using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Brindle.Lab;

/// <summary>
/// The names and addresses of a lab, computed from its options alone (pure), so <c>down</c> can find everything
/// even without a state file.
/// </summary>
/// <remarks>
/// Naming scheme: the default lab (<c>brindle</c>) names its node namespaces <c>node1</c> … <c>nodeN</c>; a lab with
/// another name <c>LAB</c> uses <c>LAB-node1</c> …. The fabric is <c>LAB-fabric</c>; a workload's namespace is
/// <c>LAB-w-&lt;interfaceName&gt;</c> (interface names are unique per node and <c>cali</c>+hash in practice). Node
/// resources carry the node namespace's name. Underlay: the fabric bridge holds the first host address (and is the
/// nodes' gateway and the ToR), etcd member m holds host address 1+m, node k holds host address
/// <see cref="FirstNodeHost"/>+k-1. Files: state under <c>/run/brindle/lab/LAB/</c>, data (SQLite, etcd, logs, BIRD
/// configs) under <c>/var/lib/brindle/lab/LAB/</c>.
/// </remarks>
public sealed partial class LabLayout(LabOptions options)
{
    /// <summary>Host number of node1 on the underlay (1 = fabric gateway, 2-4 = etcd members).</summary>
    public const int FirstNodeHost = 11;

    public const uint ClusterAs = 64512;
    public const uint TorAs = 65000;
    public const uint FirstNodeAs = 65001;
    public const string RouteReflectorClusterId = "224.0.0.1";
    public const string RunRoot = "/run/brindle/lab";
    public const string DataRoot = "/var/lib/brindle/lab";
    public const int EtcdClientPort = 2379;
    public const int EtcdPeerPort = 2380;

    public LabOptions Options { get; } = options;

    public string Name => Options.Name;

    public string FabricNamespace => $"{Name}-fabric";

    public string RunDirectory => Path.Combine(RunRoot, Name);

    public string DataDirectory => Path.Combine(DataRoot, Name);

    public string StatePath => Path.Combine(RunDirectory, "state.json");

    public string DatabasePath => Path.Combine(DataDirectory, "brindle.db");

    public IPAddress Gateway => Host(Options.Underlay, 1);

    public string NodeName(int k) => NodePrefix(Name) + k.ToString(CultureInfo.InvariantCulture);

    public IPAddress NodeAddress(int k) => Host(Options.Underlay, FirstNodeHost + k - 1);

    public uint NodeAs(int k) => Options.Bgp == LabBgpMode.AsPerRack ? FirstNodeAs + (uint)k - 1 : ClusterAs;

    public IPAddress EtcdAddress(int member) => Host(Options.Underlay, 1 + member);

    public string EtcdEndpoints => string.Join(',', Enumerable.Range(1, Options.EtcdMembers).Select(m => $"http://{EtcdAddress(m)}:{EtcdClientPort}"));

    /// <summary>The agent's <c>--state-dir</c> for a node: BIRD's config, control socket (<c>bird.ctl</c>) and PID file.</summary>
    public string AgentStateDirectory(string node) => Path.Combine(RunDirectory, node);

    public string WorkloadNamespace(string interfaceName) => $"{Name}-w-{interfaceName}";

    /// <summary>The uplink veth of node k: <c>uplink</c> in the node, <c>nodeK</c> on the fabric bridge.</summary>
    public static string FabricPort(int k) => "n" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>Maps a demo or manifest node name <c>nodeK</c> (default naming) to this lab's node name, wrapping past N.</summary>
    public string? MapNode(string? node)
    {
        if (node is null) return null;
        var match = DefaultNodeName().Match(node);
        if (!match.Success) return node;
        var k = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return NodeName(((k - 1) % Options.Nodes) + 1);
    }

    /// <summary>The node number of <paramref name="node"/> in this lab, or null if it is not one of its nodes.</summary>
    public int? NodeIndex(string node)
    {
        var prefix = NodePrefix(Name);
        if (!node.StartsWith(prefix, StringComparison.Ordinal)) return null;
        return int.TryParse(node.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1 && k <= Options.Nodes ? k : null;
    }

    /// <summary>Whether a namespace name belongs to lab <paramref name="name"/> by the naming scheme (used by <c>down</c> without state).</summary>
    public static bool BelongsTo(string name, string ns)
    {
        if (ns == $"{name}-fabric" || ns.StartsWith($"{name}-w-", StringComparison.Ordinal)) return true;
        var prefix = NodePrefix(name);
        return ns.StartsWith(prefix, StringComparison.Ordinal) && ns.Length > prefix.Length && ns.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    public static bool IsValidName(string name) => ValidName().IsMatch(name);

    public static int HostCount(IPNetwork network) => network.PrefixLength >= 31 ? 0 : (1 << Math.Min(30, 32 - network.PrefixLength)) - 2;

    private static string NodePrefix(string name) => name == LabOptions.DefaultName ? "node" : $"{name}-node";

    private static IPAddress Host(IPNetwork network, int host)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var value = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) + (uint)host;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,11}$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^node([0-9]+)$")]
    private static partial Regex DefaultNodeName();
}
