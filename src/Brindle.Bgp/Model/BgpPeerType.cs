namespace Brindle.Bgp.Model;

/// <summary>How a BGP session came about; <c>brindle node status</c> prints it as calicoctl does.</summary>
public enum BgpPeerType
{
    /// <summary>Automatic full mesh between nodes (protocol names <c>Mesh_…</c>).</summary>
    NodeToNodeMesh,
    /// <summary>A BGPPeer that applies to every node (protocol names <c>Global_…</c>).</summary>
    Global,
    /// <summary>A BGPPeer for one node or for selected nodes, including route-reflector peerings (<c>Node_…</c>).</summary>
    NodeSpecific,
}
