using System.Net;
using Brindle.Api;
using Brindle.Dataplane.Nftables;
using Brindle.Dataplane.Routes;

namespace Brindle.Agent.Status;

/// <summary>Whether a local workload's dataplane is in place (Calico's endpoint status: up, or why not).</summary>
public enum EndpointState
{
    /// <summary>Its policy chains and its routes are in the kernel.</summary>
    Up,

    /// <summary>Not yet: the policy or a route is still to be programmed (e.g. its interface does not exist yet).</summary>
    Pending,

    /// <summary>Programmed fail-closed: a policy or profile it uses cannot be programmed, so all its traffic is dropped.</summary>
    Error,
}

/// <summary>
/// One local workload's programmed status, kept at <see cref="KeyFor"/> under the agent's status lease (so it vanishes
/// with the agent), as Calico's Felix reports endpoint status for orchestrators (e.g. a Neutron port going ACTIVE).
/// </summary>
public sealed record EndpointStatusRecord(string Namespace, string Name, string Interface, EndpointState Status, string? Reason)
{
    public const string Prefix = "/brindle/status/endpoints/";

    public static string NodePrefix(string node) => Prefix + node + "/";

    public static string KeyFor(string node, string ns, string name) => NodePrefix(node) + ns + "/" + name;

    public string ToJson() => StatusJson.Serialize(this);

    public static EndpointStatusRecord? FromJson(string json) => StatusJson.Deserialize<EndpointStatusRecord>(json);
}

/// <summary>Derives each local workload's status from what the dataplane drivers hold after an apply (pure).</summary>
public static class EndpointStatusCalculator
{
    public static IReadOnlyList<EndpointStatusRecord> Compute(
        IEnumerable<WorkloadEndpoint> endpoints,
        NftTableState? nftables,
        IReadOnlySet<string> failClosedChains,
        IReadOnlyDictionary<IPNetwork, KernelRoute>? routes)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(failClosedChains);
        var result = new List<EndpointStatusRecord>();
        foreach (var endpoint in endpoints)
        {
            var ifname = endpoint.Spec.InterfaceName ?? "";
            string from = NftNames.WorkloadFrom(ifname), to = NftNames.WorkloadTo(ifname);
            var (state, reason) =
                failClosedChains.Contains(from) || failClosedChains.Contains(to)
                    ? (EndpointState.Error, "a policy or profile it uses is missing or cannot be programmed: all its traffic is dropped")
                : nftables is null || !nftables.Chains.ContainsKey(from) || !nftables.Chains.ContainsKey(to)
                    ? (EndpointState.Pending, "its policy is not programmed yet")
                : !endpoint.Spec.IPNetworks.All(n => routes is not null && routes.TryGetValue(n.Network, out var r) && r.Device == ifname)
                    ? (EndpointState.Pending, $"its route is not programmed yet (does interface {ifname} exist?)")
                : (EndpointState.Up, (string?)null);
            result.Add(new EndpointStatusRecord(endpoint.Namespace ?? "", endpoint.Name, ifname, state, reason));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Namespace + "/" + a.Name, b.Namespace + "/" + b.Name));
        return result;
    }
}
