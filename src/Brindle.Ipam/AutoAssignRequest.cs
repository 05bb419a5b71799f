using System.Net;

namespace Brindle.Ipam;

/// <summary>A request for automatically chosen addresses.</summary>
/// <param name="Node">The host the addresses are for (its blocks are used first).</param>
/// <param name="HandleId">Names the owner; release by this handle frees every address it holds.</param>
/// <param name="Num4">How many IPv4 addresses.</param>
/// <param name="Num6">How many IPv6 addresses.</param>
/// <param name="Attributes">Free-form attributes stored with each address (Calico's secondary attributes); "node" is added.</param>
/// <param name="Pools">Restrict to these pool CIDRs (each must be a configured pool); null means every pool that selects the node.</param>
/// <param name="Use">The use the addresses are for; the pool's allowedUses must include it.</param>
/// <param name="MaxBlocksPerHost">A per-request block limit; the smaller of this and the configured one applies (0: none).</param>
public sealed record AutoAssignRequest(
    string Node,
    string HandleId,
    int Num4 = 1,
    int Num6 = 0,
    IReadOnlyDictionary<string, string>? Attributes = null,
    IReadOnlyList<IPNetwork>? Pools = null,
    string Use = IpamUses.Workload,
    int MaxBlocksPerHost = 0);
