using Brindle.Api;

namespace Brindle.Bgp.Mapping;

/// <summary>The datastore resources BGP depends on, as read by the agent.</summary>
public sealed record BgpResources(
    IReadOnlyList<Node> Nodes,
    IReadOnlyList<BGPConfiguration> Configurations,
    IReadOnlyList<BGPPeer> Peers,
    IReadOnlyList<IPPool> Pools);

/// <summary>Either an input ready to render, or every reason it could not be built.</summary>
public sealed record BgpMapResult(Model.BgpInput? Input, IReadOnlyList<Model.BgpInputError> Errors);
