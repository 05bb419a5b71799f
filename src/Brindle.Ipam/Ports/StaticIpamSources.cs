using System.Net;

namespace Brindle.Ipam.Ports;

/// <summary>Fixed pools, reservations and nodes: for tests, benchmarks and callers that already hold the resources.</summary>
public sealed class StaticIpamSources(
    IReadOnlyList<IpamPool> pools,
    IReadOnlyList<IPNetwork>? reservations = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? nodes = null)
    : IIpamPoolSource, IIpamReservationSource, INodeLabelSource
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public Task<IReadOnlyList<IpamPool>> GetPoolsAsync(CancellationToken cancellationToken) => Task.FromResult(pools);

    public Task<IReadOnlyList<IPNetwork>> GetReservedCidrsAsync(CancellationToken cancellationToken) => Task.FromResult(reservations ?? []);

    /// <summary>With no node table every node exists without labels.</summary>
    public Task<IReadOnlyDictionary<string, string>?> GetNodeLabelsAsync(string node, CancellationToken cancellationToken) =>
        Task.FromResult(nodes is null ? NoLabels : nodes.GetValueOrDefault(node));
}
