using System.Net;
using System.Text.Json;
using Brindle.Datastore.Kv;
using Brindle.Ipam;
using Brindle.Ipam.Ports;

namespace Brindle.Cli.Commands;

/// <summary>
/// IPAM's ports read straight from the datastore: IPPool, IPReservation, Node and WorkloadEndpoint resources as the JSON that
/// Calico's etcd v3 backend stores under <c>/calico/resources/v3/projectcalico.org/…</c>. A stop-gap until the typed resource
/// client exists; it reads only the fields IPAM needs. Pools given with <c>--pool</c> that are not stored are used ad hoc
/// (default block size) so the CLI works before <c>brindle apply</c> does.
/// </summary>
internal sealed class IpamDatastoreSources(IKeyValueStore store, IReadOnlyList<IPNetwork> adHocPools)
    : IIpamPoolSource, IIpamReservationSource, INodeLabelSource
{
    public const string ResourcePrefix = "/calico/resources/v3/projectcalico.org/";

    public async Task<IReadOnlyList<IpamPool>> GetPoolsAsync(CancellationToken cancellationToken)
    {
        var pools = new List<IpamPool>();
        foreach (var kv in (await store.ListAsync(ResourcePrefix + "ippools/", cancellationToken)).Items)
        {
            var spec = Spec(kv);
            var cidr = Text(spec, "cidr") ?? throw new UserErrorException($"IPPool {kv.Key}: spec.cidr is missing.");
            if (!IPNetwork.TryParse(cidr, out var network)) throw new UserErrorException($"IPPool {kv.Key}: spec.cidr '{cidr}' is not a CIDR.");
            pools.Add(new IpamPool(
                network,
                spec.TryGetProperty("blockSize", out var bs) && bs.ValueKind == JsonValueKind.Number ? bs.GetInt32() : 0,
                Text(spec, "nodeSelector") ?? "",
                spec.TryGetProperty("disabled", out var d) && d.ValueKind == JsonValueKind.True,
                spec.TryGetProperty("allowedUses", out var uses) && uses.ValueKind == JsonValueKind.Array ? [.. uses.EnumerateArray().Select(u => u.GetString() ?? "")] : null));
        }
        pools.AddRange(adHocPools.Where(p => !pools.Exists(s => s.Cidr.Equals(p))).Select(p => new IpamPool(p)));
        return pools;
    }

    public async Task<IReadOnlyList<IPNetwork>> GetReservedCidrsAsync(CancellationToken cancellationToken)
    {
        var result = new List<IPNetwork>();
        foreach (var kv in (await store.ListAsync(ResourcePrefix + "ipreservations/", cancellationToken)).Items)
        {
            if (!Spec(kv).TryGetProperty("reservedCIDRs", out var cidrs) || cidrs.ValueKind != JsonValueKind.Array) continue;
            foreach (var c in cidrs.EnumerateArray())
            {
                var text = c.GetString() ?? "";
                // A single address is accepted as a /32 or /128, as Calico does.
                if (IPNetwork.TryParse(text, out var network)) result.Add(network);
                else if (IPAddress.TryParse(text, out var address)) result.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
                else throw new UserErrorException($"IPReservation {kv.Key}: '{text}' is not a CIDR or address.");
            }
        }
        return result;
    }

    public async Task<IReadOnlyDictionary<string, string>?> GetNodeLabelsAsync(string node, CancellationToken cancellationToken)
    {
        var kv = await store.GetAsync(ResourcePrefix + "nodes/" + node, cancellationToken);
        if (kv is null) return null;
        using var doc = JsonDocument.Parse(kv.Value);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in l.EnumerateObject()) labels[p.Name] = p.Value.GetString() ?? "";
        }
        return labels;
    }

    /// <summary>Every address a workload endpoint uses (spec.ipNetworks), mapped to <c>namespace/name</c>.</summary>
    public async Task<IReadOnlyDictionary<IPAddress, string>> GetEndpointAddressesAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<IPAddress, string>();
        var prefix = ResourcePrefix + "workloadendpoints/";
        foreach (var kv in (await store.ListAsync(prefix, cancellationToken)).Items)
        {
            if (!Spec(kv).TryGetProperty("ipNetworks", out var nets) || nets.ValueKind != JsonValueKind.Array) continue;
            foreach (var n in nets.EnumerateArray())
            {
                var text = n.GetString() ?? "";
                var address = IPNetwork.TryParse(text, out var network) ? network.BaseAddress : IPAddress.TryParse(text, out var a) ? a : null;
                if (address is not null) result[address] = kv.Key[prefix.Length..];
            }
        }
        return result;
    }

    /// <summary>The subset of Calico selectors that pool node selectors use in practice: <c>all()</c> (or empty) and
    /// <c>key == 'value'</c> / <c>key != 'value'</c> terms joined by <c>&amp;&amp;</c>. Anything else is refused clearly.</summary>
    public static bool SelectorMatches(string selector, IReadOnlyDictionary<string, string> labels)
    {
        if (string.IsNullOrWhiteSpace(selector) || selector.Trim() == "all()") return true;
        return selector.Split("&&").All(term =>
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negate ? "!=" : "==");
            if (parts.Length != 2) throw new UserErrorException($"nodeSelector '{selector}': this build understands only all(), ==, != and &&.");
            var equal = labels.TryGetValue(parts[0].Trim(), out var v) && v == parts[1].Trim().Trim('\'', '"');
            return equal != negate;
        });
    }

    private static JsonElement Spec(KeyValue kv)
    {
        var root = JsonDocument.Parse(kv.Value).RootElement;
        return root.TryGetProperty("spec", out var spec) ? spec : root;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
