using System.Net;
using System.Net.Sockets;
using Brindle.Api;
using Brindle.Calculation.Messages;

namespace Brindle.Calculation;

/// <summary>The labels, label parents and IP-set contribution of endpoints and network sets, as the indexes see them.</summary>
internal static class EndpointConverter
{
    /// <summary>Own labels plus Calico's automatic ones (namespace, orchestrator, service account) when not already set.</summary>
    public static Dictionary<string, string> Labels(WorkloadEndpoint endpoint) => Labels(LabelSource.Of(endpoint));

    public static Dictionary<string, string> Labels(Resource resource) => Labels(LabelSource.Of(resource));

    public static Dictionary<string, string> Labels(LabelSource source)
    {
        var labels = Copy(source.Labels);
        if (source.Namespace is { } ns) labels.TryAdd(CalculationLabels.Namespace, ns);
        if (source.Orchestrator is { } orchestrator) labels.TryAdd(CalculationLabels.Orchestrator, orchestrator);
        if (source.ServiceAccount is { } account) labels.TryAdd(CalculationLabels.ServiceAccount, account);
        return labels;
    }

    /// <summary>Label parents: the listed profiles in order, then the namespace profile (which carries the <c>pcns.</c> labels).</summary>
    public static IReadOnlyList<string> Parents(EquatableArray<string> profiles, string? ns)
    {
        if (profiles.IsEmpty) return ns is null ? [] : NamespaceOnlyParents.GetOrAdd(ns, static n => [NamespaceProfile(n)]);   // the common case, shared
        var parents = profiles.Distinct(StringComparer.Ordinal).ToList();
        if (ns is not null && !parents.Contains(NamespaceProfile(ns))) parents.Add(NamespaceProfile(ns));
        return parents;
    }

    /// <summary>
    /// Profiles consulted for a workload: the listed ones; a Kubernetes pod (<c>orchestrator: k8s</c>) that lists none gets
    /// <c>kns.&lt;ns&gt;</c> (Calico's Kubernetes convention, and what <c>PolicyModelBuilder</c> does for <c>policy simulate</c>).
    /// </summary>
    public static IReadOnlyList<string> ProfileIds(WorkloadEndpoint endpoint)
    {
        if (endpoint.Spec.Profiles.IsEmpty
            && string.Equals(endpoint.Spec.Orchestrator, CalculationLabels.KubernetesOrchestrator, StringComparison.Ordinal)
            && endpoint.Namespace is { } ns)
        {
            return [NamespaceProfile(ns)];
        }
        return endpoint.Spec.Profiles.Distinct(StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<string> ProfileIds(HostEndpoint endpoint) => endpoint.Spec.Profiles.Distinct(StringComparer.Ordinal).ToList();

    public static string NamespaceProfile(string ns) => CalculationLabels.NamespaceProfilePrefix + ns;

    /// <summary>The labels the namespace profile gives its endpoints: each namespace label with <c>pcns.</c> in front, including the namespace's name labels.</summary>
    public static Dictionary<string, string> NamespaceProfileLabels(KubernetesNamespace ns)
    {
        var labels = Copy(ns.Metadata.Labels);
        labels.TryAdd(CalculationLabels.NamespaceName, ns.Name);
        labels.TryAdd(CalculationLabels.KubernetesNamespaceName, ns.Name);
        return labels.ToDictionary(kv => CalculationLabels.NamespaceLabelPrefix + kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    public static IPSetItem Item(WorkloadEndpoint endpoint) => new(Networks(endpoint.Spec.IPNetworks), endpoint.Spec.Ports);

    public static IPSetItem Item(HostEndpoint endpoint) => new([.. HostNetworks(endpoint.Spec.ExpectedIPs)], endpoint.Spec.Ports);

    public static IPSetItem Item(NetworkSetSpec spec) => new(Networks(spec.Nets), default);

    private static IPNetwork[] Networks(EquatableArray<Cidr> cidrs)
    {
        var networks = new IPNetwork[cidrs.Count];
        for (var i = 0; i < networks.Length; i++) networks[i] = cidrs[i].Network;
        return networks;
    }

    public static WorkloadEndpointId Id(WorkloadEndpoint endpoint) => new(
        endpoint.Spec.Orchestrator ?? CalculationLabels.KubernetesOrchestrator,
        $"{endpoint.Namespace}/{endpoint.Spec.Pod ?? endpoint.Spec.Workload ?? endpoint.Name}",
        endpoint.Spec.Endpoint ?? endpoint.Name);

    public static WorkloadEndpointUpdate Update(WorkloadEndpoint endpoint, ValueList<TierInfo> tiers, IReadOnlyList<string> profileIds)
    {
        var nets = endpoint.Spec.IPNetworks;
        return new WorkloadEndpointUpdate(
            Id(endpoint),
            endpoint.Spec.InterfaceName ?? "",
            endpoint.Spec.Mac,
            new(nets.Where(c => c.IsIPv4).Select(c => c.Network)),
            new(nets.Where(c => c.IsIPv6).Select(c => c.Network)),
            tiers,
            new(profileIds));
    }

    public static HostEndpointUpdate Update(HostEndpoint endpoint, ValueList<TierInfo> tiers, ValueList<TierInfo> untracked, ValueList<TierInfo> preDnat, IReadOnlyList<string> profileIds)
    {
        var addresses = HostNetworks(endpoint.Spec.ExpectedIPs).Select(n => n.BaseAddress).ToList();
        return new HostEndpointUpdate(
            new HostEndpointId(endpoint.Name),
            // "*" (all host interfaces) has no single interface to police yet: sent as an IP-only endpoint (not enforced).
            string.IsNullOrEmpty(endpoint.Spec.InterfaceName) || endpoint.Spec.InterfaceName == "*" ? null : endpoint.Spec.InterfaceName,
            new(addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork)),
            new(addresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6)),
            tiers,
            new(profileIds))
        {
            UntrackedTiers = untracked,
            PreDnatTiers = preDnat,
        };
    }

    private static List<IPNetwork> HostNetworks(EquatableArray<string> addresses)
    {
        var result = new List<IPNetwork>();
        foreach (var text in addresses)
        {
            if (IPAddressText.TryParse(text, out var address))
            {
                result.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
        }
        return result;
    }

    // Read-only arrays, one per namespace (bounded by the number of namespaces ever seen).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> NamespaceOnlyParents = new(StringComparer.Ordinal);

    /// <summary>A copy with room for the automatic labels added next.</summary>
    private static Dictionary<string, string> Copy(EquatableMap<string> labels)
    {
        var copy = new Dictionary<string, string>(labels.Count + 3, StringComparer.Ordinal);
        foreach (var (key, value) in labels) copy[key] = value;
        return copy;
    }
}
