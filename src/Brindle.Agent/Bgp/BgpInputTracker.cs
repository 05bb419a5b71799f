using System.Net;
using System.Text.Json;
using Brindle.Api;
using Brindle.Bgp.Config;
using Brindle.Bgp.Mapping;
using Brindle.Calculation;
using Brindle.Policy;

namespace Brindle.Agent.Bgp;

/// <summary>
/// Calico's confd role, pure: holds what BIRD's config depends on (Nodes, BGPConfigurations, BGPPeers, IPPools,
/// this node's IPAM affinities and its local workloads' addresses) and renders the config text from it.
/// </summary>
/// <remarks>
/// Borrowed addresses: a local workload address outside every block affine to this node (Calico announces those as
/// /32 or /128; BIRD exports them only while the kernel holds the route). Not thread-safe: the agent calls it under
/// its lock.
/// </remarks>
public sealed class BgpInputTracker(string nodeName)
{
    /// <summary>Affinity records live under this prefix (Calico's libcalico-go layout, docs/design/ipam.md).</summary>
    public const string IpamHostPrefix = "/calico/ipam/v2/host/";

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BGPConfiguration> _configurations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BGPPeer> _peers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPPool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<IPNetwork>> _localAddresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPNetwork> _affinities = new(StringComparer.Ordinal);

    /// <summary>Raised by every change that can alter the rendered text (a cheap version counter).</summary>
    public long Version { get; private set; }

    /// <summary>The prefix of this node's affinity keys.</summary>
    public string AffinityPrefix => IpamHostPrefix + nodeName + "/";

    /// <summary>Takes the resources BGP uses from a batch of syncer updates; ignores the rest.</summary>
    public void OnUpdates(IEnumerable<ResourceUpdate> updates)
    {
        foreach (var update in updates)
        {
            if (!ResourceKinds.TryParseKey(update.Key, out var kind, out _, out var name)) continue;
            var changed = kind == ResourceKinds.Node ? Set(_nodes, update.Key, update.Value as Node)
                : kind == ResourceKinds.BGPConfiguration ? Set(_configurations, update.Key, update.Value as BGPConfiguration)
                : kind == ResourceKinds.BGPPeer ? Set(_peers, update.Key, update.Value as BGPPeer)
                : kind == ResourceKinds.IPPool ? Set(_pools, update.Key, update.Value as IPPool)
                : kind == ResourceKinds.WorkloadEndpoint && SetLocal(update.Key, update.Value as WorkloadEndpoint);
            if (changed) Version++;
        }
    }

    /// <summary>An affinity key under <see cref="AffinityPrefix"/> was written (value) or deleted (null).</summary>
    public void OnAffinity(string key, string? value)
    {
        var cidr = ParseAffinity(key, value);
        var changed = cidr is null ? _affinities.Remove(key) : !_affinities.TryGetValue(key, out var old) || !old.Equals(cidr.Value);
        if (cidr is { } c) _affinities[key] = c;
        if (changed) Version++;
    }

    /// <summary>The block CIDR of a confirmed affinity record (<c>…/ipv4/block/10.0.0.0-26</c>); null for pending or malformed ones.</summary>
    public static IPNetwork? ParseAffinity(string key, string? value)
    {
        if (value is null) return null;
        var segments = key.Split('/');
        if (segments.Length < 3 || segments[^2] != "block") return null;
        var last = segments[^1];
        var dash = last.LastIndexOf('-');
        if (dash < 0 || !IPNetwork.TryParse(last[..dash] + "/" + last[(dash + 1)..], out var cidr)) return null;
        try
        {
            using var doc = JsonDocument.Parse(value);
            if (doc.RootElement.TryGetProperty("deleted", out var deleted) && deleted.ValueKind == JsonValueKind.True) return null;
            if (doc.RootElement.TryGetProperty("state", out var state) && state.GetString() is { } s && s != "confirmed") return null;
        }
        catch (JsonException)
        {
            return null;
        }
        return cidr;
    }

    public IReadOnlyList<IPNetwork> AffinityBlocks => [.. _affinities.Values.OrderBy(n => n.ToString(), StringComparer.Ordinal)];

    /// <summary>Local workload addresses outside this node's blocks.</summary>
    public IReadOnlyList<IPNetwork> BorrowedAddresses()
    {
        var blocks = _affinities.Values.ToList();
        return [.. _localAddresses.Values.SelectMany(a => a)
            .Where(a => !blocks.Any(b => b.Contains(a.BaseAddress)))
            .Distinct()
            .OrderBy(a => a.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>The rendered bird.conf, or every reason it cannot be rendered.</summary>
    public (string? Config, IReadOnlyList<string> Errors) Render()
    {
        var resources = new BgpResources([.. _nodes.Values], [.. _configurations.Values], [.. _peers.Values], [.. _pools.Values]);
        var result = BgpInputMapper.Map(nodeName, resources, AffinityBlocks, BorrowedAddresses(), _ => null, MatchSelector);
        if (result.Input is null) return (null, [.. result.Errors.Select(e => e.ToString())]);
        return (BirdConfigRenderer.Render(result.Input), []);
    }

    private static bool MatchSelector(string selector, IReadOnlyDictionary<string, string> labels) =>
        Selector.TryParse(selector, out var parsed, out _) && parsed.Matches(labels);

    private bool SetLocal(string key, WorkloadEndpoint? endpoint)
    {
        if (endpoint is null || endpoint.Spec.Node != nodeName) return _localAddresses.Remove(key);
        IReadOnlyList<IPNetwork> addresses = [.. endpoint.Spec.IPNetworks.Select(c => c.Network)];
        if (_localAddresses.TryGetValue(key, out var old) && old.SequenceEqual(addresses)) return false;
        _localAddresses[key] = addresses;
        return true;
    }

    private static bool Set<T>(Dictionary<string, T> map, string key, T? value) where T : Resource
    {
        if (value is null) return map.Remove(key);
        if (map.TryGetValue(key, out var old) && old == value) return false;
        map[key] = value;
        return true;
    }
}
