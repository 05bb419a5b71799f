using System.Diagnostics.CodeAnalysis;

namespace Brindle.Api;

/// <summary>
/// The registry of resource kinds. <see cref="All"/> is in apply-dependency order: a kind comes after the
/// kinds its resources refer to (namespaces before namespaced resources, tiers before policies, profiles and
/// nodes before endpoints, pools before reservations, filters before peers). Delete in the reverse order.
/// </summary>
public static class ResourceKinds
{
    /// <summary>Key root of <c>projectcalico.org/v3</c> kinds, as in Calico's etcd v3 backend.</summary>
    public const string CalicoKeyRoot = "/calico/resources/v3/projectcalico.org/";

    /// <summary>
    /// Key root of Kubernetes core kinds (only Namespace). Calico's etcd mode has no namespaces; Brindle stores
    /// them beside the Calico kinds under the core API group's name.
    /// </summary>
    public const string CoreKeyRoot = "/calico/resources/v3/core/";

    public const string CalicoApiVersion = "projectcalico.org/v3";

    public const string CoreApiVersion = "v1";

    public static readonly ResourceKind Namespace = Core<KubernetesNamespace>("Namespace", "namespaces", "namespace", "ns");
    public static readonly ResourceKind ClusterInformation = Calico<ClusterInformation>("ClusterInformation", "clusterinformations", false, "clusterinformation", "clusterinfo", "clusterinfos");
    public static readonly ResourceKind FelixConfiguration = Calico<FelixConfiguration>("FelixConfiguration", "felixconfigurations", false, "felixconfiguration", "felixconfig", "felixconfigs");
    public static readonly ResourceKind IPAMConfiguration = Calico<IPAMConfiguration>("IPAMConfiguration", "ipamconfigurations", false, "ipamconfiguration", "ipamconfig", "ipamconfigs");
    public static readonly ResourceKind BGPConfiguration = Calico<BGPConfiguration>("BGPConfiguration", "bgpconfigurations", false, "bgpconfiguration", "bgpconfig", "bgpconfigs");
    public static readonly ResourceKind IPPool = Calico<IPPool>("IPPool", "ippools", false, "ippool", "ipp", "ipps", "pool", "pools");
    public static readonly ResourceKind IPReservation = Calico<IPReservation>("IPReservation", "ipreservations", false, "ipreservation");
    public static readonly ResourceKind Node = Calico<Node>("Node", "nodes", false, "node", "no", "nos");
    public static readonly ResourceKind BGPFilter = Calico<BGPFilter>("BGPFilter", "bgpfilters", false, "bgpfilter");
    public static readonly ResourceKind BGPPeer = Calico<BGPPeer>("BGPPeer", "bgppeers", false, "bgppeer", "bgpp", "bgpps", "bp", "bps");
    public static readonly ResourceKind Tier = Calico<Tier>("Tier", "tiers", false, "tier");
    public static readonly ResourceKind Profile = Calico<Profile>("Profile", "profiles", false, "profile", "pro", "pros");
    public static readonly ResourceKind GlobalNetworkSet = Calico<GlobalNetworkSet>("GlobalNetworkSet", "globalnetworksets", false, "globalnetworkset");
    public static readonly ResourceKind NetworkSet = Calico<NetworkSet>("NetworkSet", "networksets", true, "networkset", "netset", "netsets");
    public static readonly ResourceKind GlobalNetworkPolicy = Calico<GlobalNetworkPolicy>("GlobalNetworkPolicy", "globalnetworkpolicies", false, "globalnetworkpolicy", "gnp", "gnps");
    public static readonly ResourceKind NetworkPolicy = Calico<NetworkPolicy>("NetworkPolicy", "networkpolicies", true, "networkpolicy", "netpol", "netpols", "np", "nps", "policy", "policies", "pol", "pols");
    public static readonly ResourceKind HostEndpoint = Calico<HostEndpoint>("HostEndpoint", "hostendpoints", false, "hostendpoint", "hep", "heps");
    public static readonly ResourceKind WorkloadEndpoint = Calico<WorkloadEndpoint>("WorkloadEndpoint", "workloadendpoints", true, "workloadendpoint", "wep", "weps");

    /// <summary>Every kind, in apply-dependency order.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        Namespace, ClusterInformation, FelixConfiguration, IPAMConfiguration, BGPConfiguration, IPPool, IPReservation,
        Node, BGPFilter, BGPPeer, Tier, Profile, GlobalNetworkSet, NetworkSet, GlobalNetworkPolicy, NetworkPolicy,
        HostEndpoint, WorkloadEndpoint,
    ];

    private static readonly Dictionary<string, ResourceKind> ByAlias = BuildAliases();

    private static readonly Dictionary<Type, ResourceKind> ByType = All.ToDictionary(k => k.ClrType);

    /// <summary>Resolves a kind name, plural or short name, case-insensitively (as calicoctl does).</summary>
    public static bool TryResolve(string nameOrAlias, [NotNullWhen(true)] out ResourceKind? kind) =>
        ByAlias.TryGetValue(nameOrAlias.ToLowerInvariant(), out kind);

    /// <summary>Finds the kind written in a manifest's <c>apiVersion</c> and <c>kind</c> (exact spelling).</summary>
    public static bool TryFindManifestKind(string apiVersion, string kind, [NotNullWhen(true)] out ResourceKind? resourceKind)
    {
        resourceKind = All.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Name == kind);
        return resourceKind is not null;
    }

    /// <summary>The kind of a record type (e.g. <c>typeof(IPPool)</c>).</summary>
    public static ResourceKind ForType(Type type) =>
        ByType.TryGetValue(type, out var kind) ? kind : throw new ArgumentException($"{type.Name} is not a resource kind", nameof(type));

    /// <summary>Finds the kind whose key prefix this key starts with (by its plural segment: one lookup, not a scan).</summary>
    public static bool TryParseKey(string key, [NotNullWhen(true)] out ResourceKind? kind, out string? ns, [NotNullWhen(true)] out string? name)
    {
        ns = null;
        name = null;
        if (!TryLocateKey(key, out kind, out var nsRange, out var nameRange)) return false;
        if (kind.Namespaced) ns = key[nsRange];
        name = key[nameRange];
        return true;
    }

    /// <summary>
    /// As <see cref="TryParseKey(string, out ResourceKind?, out string?, out string?)"/>, giving where the namespace and
    /// name are in <paramref name="key"/> instead of copies (no allocation; e.g. for every update of a large snapshot).
    /// </summary>
    public static bool TryLocateKey(string key, [NotNullWhen(true)] out ResourceKind? kind, out Range ns, out Range name)
    {
        ArgumentNullException.ThrowIfNull(key);
        kind = null;
        ns = default;
        name = default;
        foreach (var root in KeyRoots)
        {
            if (!key.StartsWith(root, StringComparison.Ordinal)) continue;
            var rest = key.AsSpan(root.Length);
            var slash = rest.IndexOf('/');
            if (slash <= 0 || !ByKeyPrefix.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key.AsSpan(0, root.Length + slash + 1), out var candidate)) return false;
            if (!candidate.TryLocateKey(key, out ns, out name)) return false;
            kind = candidate;
            return true;
        }
        return false;
    }

    private static readonly string[] KeyRoots = [CalicoKeyRoot, CoreKeyRoot];

    private static readonly Dictionary<string, ResourceKind> ByKeyPrefix = All.ToDictionary(k => k.Prefix(), StringComparer.Ordinal);

    private static ResourceKind Calico<T>(string name, string plural, bool namespaced, params string[] aliases) where T : Resource =>
        new(name, plural, namespaced, CalicoApiVersion, CalicoKeyRoot, typeof(T), [.. aliases.Append(plural).Distinct()]);

    private static ResourceKind Core<T>(string name, string plural, params string[] aliases) where T : Resource =>
        new(name, plural, false, CoreApiVersion, CoreKeyRoot, typeof(T), [.. aliases.Append(plural).Distinct()]);

    private static Dictionary<string, ResourceKind> BuildAliases()
    {
        var map = new Dictionary<string, ResourceKind>(StringComparer.Ordinal);
        foreach (var kind in All)
        {
            map[kind.Name.ToLowerInvariant()] = kind;
            foreach (var alias in kind.Aliases) map[alias] = kind;
        }
        return map;
    }
}
