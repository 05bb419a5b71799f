using System.Net;
using Brindle.Api;
using Brindle.Datastore.Resources;
using Brindle.Ipam;
using Brindle.Ipam.Ports;
using Brindle.Policy;

namespace Brindle.Cli.Commands;

/// <summary>
/// IPAM's ports over the stored resources (<see cref="ResourceStore"/>): IPPool, IPReservation, Node and WorkloadEndpoint.
/// Pools and reservations are read once per command (one <c>ipam assign --repeat</c> run is one batch, as a Calico request is);
/// node labels once per node. Pools given with <c>--pool</c> that are not stored are used ad hoc (default block size).
/// </summary>
internal sealed class IpamDatastoreSources(ResourceStore resources, IReadOnlyList<IPNetwork> adHocPools)
    : IIpamPoolSource, IIpamReservationSource, INodeLabelSource
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>?> _nodeLabels = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Selector> _selectors = new(StringComparer.Ordinal);
    private IReadOnlyList<IpamPool>? _pools;
    private IReadOnlyList<IPNetwork>? _reserved;

    public async Task<IReadOnlyList<IpamPool>> GetPoolsAsync(CancellationToken cancellationToken)
    {
        if (_pools is not null) return _pools;
        var stored = (await resources.ListAsync(ResourceKinds.IPPool, cancellationToken: cancellationToken)).Items.Cast<IPPool>().Select(ToIpamPool).ToList();
        stored.AddRange(adHocPools.Where(p => !stored.Exists(s => s.Cidr.Equals(p))).Select(p => new IpamPool(p)));
        return _pools = stored;
    }

    public async Task<IReadOnlyList<IPNetwork>> GetReservedCidrsAsync(CancellationToken cancellationToken) =>
        _reserved ??= [.. (await resources.ListAsync(ResourceKinds.IPReservation, cancellationToken: cancellationToken)).Items
            .Cast<IPReservation>().SelectMany(r => r.Spec.ReservedCidrs).Select(c => c.Network)];

    public async Task<IReadOnlyDictionary<string, string>?> GetNodeLabelsAsync(string node, CancellationToken cancellationToken)
    {
        if (_nodeLabels.TryGetValue(node, out var cached)) return cached;
        var stored = await resources.GetAsync<Node>(node, cancellationToken: cancellationToken);
        return _nodeLabels[node] = stored?.Metadata.Labels;
    }

    /// <summary>Every address a workload endpoint uses (spec.ipNetworks), mapped to <c>namespace/name</c>.</summary>
    public async Task<IReadOnlyDictionary<IPAddress, string>> GetEndpointAddressesAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<IPAddress, string>();
        foreach (var endpoint in (await resources.ListAsync(ResourceKinds.WorkloadEndpoint, cancellationToken: cancellationToken)).Items.Cast<WorkloadEndpoint>())
        {
            foreach (var network in endpoint.Spec.IPNetworks) result[network.Address] = $"{endpoint.Metadata.Namespace}/{endpoint.Metadata.Name}";
        }
        return result;
    }

    /// <summary>Pool node selectors in Calico's selector language (Brindle.Policy's evaluator), each parsed once per command.
    /// A stored selector that does not parse is reported as the user's problem, naming it.</summary>
    public bool SelectorMatches(string selector, IReadOnlyDictionary<string, string> labels)
    {
        if (!_selectors.TryGetValue(selector, out var parsed))
        {
            if (!Selector.TryParse(string.IsNullOrWhiteSpace(selector) ? "all()" : selector, out parsed, out var error))
                throw new UserErrorException($"IPPool nodeSelector '{selector}' does not parse: {error.Message}");
            _selectors[selector] = parsed;
        }
        return parsed.Matches(labels);
    }

    private static IpamPool ToIpamPool(IPPool pool) => new(
        pool.Spec.Cidr.Network,
        pool.Spec.BlockSize ?? 0,
        pool.Spec.NodeSelector ?? "",
        pool.Spec.Disabled ?? false,
        pool.Spec.AllowedUses.IsEmpty ? null : [.. pool.Spec.AllowedUses.Select(u => u.ToString())]);
}
