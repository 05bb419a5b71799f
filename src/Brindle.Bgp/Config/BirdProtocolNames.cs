using System.Net;
using System.Net.Sockets;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Config;

/// <summary>
/// BIRD protocol names Brindle renders, and the reverse mapping used by status: <c>Mesh_10_0_0_2</c>,
/// <c>Global_10_0_0_5_port_1790</c>, <c>Node_2001_db8__1</c> (Calico's names, so calicoctl habits carry over).
/// </summary>
public static class BirdProtocolNames
{
    public const string MeshPrefix = "Mesh_";
    public const string GlobalPrefix = "Global_";
    public const string NodePrefix = "Node_";
    public const string KernelV4 = "brindle_kernel4";
    public const string KernelV6 = "brindle_kernel6";
    public const string BlocksV4 = "brindle_blocks4";
    public const string BlocksV6 = "brindle_blocks6";

    public static string ForPeer(BgpPeerType type, IPAddress address, int? port)
    {
        var prefix = type switch
        {
            BgpPeerType.NodeToNodeMesh => MeshPrefix,
            BgpPeerType.Global => GlobalPrefix,
            _ => NodePrefix,
        };
        var id = address.ToString().Replace('.', '_').Replace(':', '_');
        return port is { } p ? $"{prefix}{id}_port_{p}" : prefix + id;
    }

    /// <summary>Peer type from a protocol name; null for protocols Brindle did not name (device, kernel, …).</summary>
    public static BgpPeerType? TypeOf(string protocolName) =>
        protocolName.StartsWith(MeshPrefix, StringComparison.Ordinal) ? BgpPeerType.NodeToNodeMesh
        : protocolName.StartsWith(GlobalPrefix, StringComparison.Ordinal) ? BgpPeerType.Global
        : protocolName.StartsWith(NodePrefix, StringComparison.Ordinal) ? BgpPeerType.NodeSpecific
        : null;

    public static string Family(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";
}
