namespace Brindle.Api;

/// <summary>
/// Fills in the defaults Calico's client library stores with a resource (libcalico-go/lib/clientv3 and the
/// v3 CRD defaults), so <c>get</c> shows what the system will actually use. Pure: returns a new record and
/// never overwrites a value the user set. Idempotent: applying twice equals applying once.
/// Values Calico applies only at use time (BGPConfiguration's asNumber 64512, listenPort 179, node-to-node
/// mesh on) are not stored; they are exposed as constants for the components that use them.
/// </summary>
public static class ResourceDefaults
{
    /// <summary>Namespace calicoctl uses for namespaced resources that name none.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>IPv4 pool block size (clientv3/ippool.go: 26).</summary>
    public const int BlockSizeV4 = 26;

    /// <summary>IPv6 pool block size (clientv3/ippool.go: 122).</summary>
    public const int BlockSizeV6 = 122;

    /// <summary>Smallest IPv4 block prefix Calico accepts (blocks of at most 4096 addresses).</summary>
    public const int MinBlockSizeV4 = 20;

    /// <summary>Smallest IPv6 block prefix Calico accepts.</summary>
    public const int MinBlockSizeV6 = 116;

    /// <summary>Pool nodeSelector meaning every node (clientv3/ippool.go).</summary>
    public const string AllNodes = "all()";

    /// <summary>BGP AS number used when neither BGPConfiguration nor the node sets one.</summary>
    public const long BgpAsNumber = 64512;

    /// <summary>BGP listen port when BGPConfiguration sets none.</summary>
    public const int BgpListenPort = 179;

    /// <summary>Label Calico puts on workload endpoints naming their namespace (apis/v3 LabelNamespace).</summary>
    public const string NamespaceLabel = "projectcalico.org/namespace";

    /// <summary>Label Calico puts on workload endpoints naming their orchestrator (apis/v3 LabelOrchestrator).</summary>
    public const string OrchestratorLabel = "projectcalico.org/orchestrator";

    /// <summary>Label Calico puts on workload endpoints naming their service account (apis/v3 LabelServiceAccount).</summary>
    public const string ServiceAccountLabel = "projectcalico.org/serviceaccount";

    /// <summary>Returns <paramref name="resource"/> with Calico's stored defaults filled in.</summary>
    public static T Apply<T>(T resource) where T : Resource
    {
        Resource result = resource switch
        {
            IPPool pool => pool with { Spec = Pool(pool.Spec) },
            NetworkPolicy policy => policy with { Spec = Policy(policy.Spec) },
            GlobalNetworkPolicy policy => policy with { Spec = Policy(policy.Spec) with { Types = GlobalTypes(policy.Spec) } },
            Tier tier => tier with { Spec = TierSpec(tier.Name, tier.Spec) },
            WorkloadEndpoint endpoint => WorkloadLabels(endpoint),
            _ => resource,
        };
        if (result.ResourceKind.Namespaced && string.IsNullOrEmpty(result.Metadata.Namespace))
        {
            // calicoctl: namespaced resources without a namespace go to "default" (or the -n flag).
            result = result with { Metadata = result.Metadata with { Namespace = DefaultNamespace } };
            if (result is WorkloadEndpoint endpoint) result = WorkloadLabels(endpoint);
        }
        return (T)result;
    }

    /// <summary>
    /// clientv3/ippool.go: blockSize 26 / 122 by family, nodeSelector all(), ipipMode and vxlanMode Never,
    /// allowedUses [Workload, Tunnel]; natOutgoing and disabled default to false; assignmentMode Automatic (CRD default).
    /// </summary>
    private static IPPoolSpec Pool(IPPoolSpec spec) => spec with
    {
        BlockSize = spec.BlockSize ?? (spec.Cidr?.IsIPv6 == true ? BlockSizeV6 : BlockSizeV4),
        NodeSelector = string.IsNullOrEmpty(spec.NodeSelector) ? AllNodes : spec.NodeSelector,
        IpipMode = spec.IpipMode ?? EncapsulationMode.Never,
        VxlanMode = spec.VxlanMode ?? EncapsulationMode.Never,
        NatOutgoing = spec.NatOutgoing ?? false,
        Disabled = spec.Disabled ?? false,
        AllowedUses = spec.AllowedUses.IsEmpty ? [IPPoolAllowedUse.Workload, IPPoolAllowedUse.Tunnel] : spec.AllowedUses,
        AssignmentMode = spec.AssignmentMode ?? IPPoolAssignmentMode.Automatic,
    };

    /// <summary>
    /// clientv3/networkpolicy.go and globalnetworkpolicy.go: tier "default"; types from the rules when unset
    /// (<see cref="EffectiveTypes"/>).
    /// </summary>
    private static TSpec Policy<TSpec>(TSpec spec) where TSpec : PolicySpec => spec with
    {
        Tier = string.IsNullOrEmpty(spec.Tier) ? Tier.DefaultName : spec.Tier,
        Types = EffectiveTypes(spec),
    };

    /// <summary>A preDNAT policy applies to ingress only (Calico rejects egress for preDNAT).</summary>
    private static EquatableArray<PolicyType> GlobalTypes(GlobalNetworkPolicySpec spec) =>
        spec.Types.IsEmpty && spec.PreDnat == true ? [PolicyType.Ingress] : EffectiveTypes(spec);

    /// <summary>
    /// The directions a policy applies to: <c>types</c> if set; otherwise Ingress when there are no egress
    /// rules (even with no rules at all), Egress when there are only egress rules, both when both exist.
    /// </summary>
    public static EquatableArray<PolicyType> EffectiveTypes(PolicySpec spec)
    {
        if (!spec.Types.IsEmpty) return spec.Types;
        if (spec.Egress.IsEmpty) return [PolicyType.Ingress];
        return spec.Ingress.IsEmpty ? [PolicyType.Egress] : [PolicyType.Ingress, PolicyType.Egress];
    }

    /// <summary>apis/v3 tier.go: defaultAction Deny; the default tier's order is 1,000,000.</summary>
    private static TierSpec TierSpec(string name, TierSpec spec) => spec with
    {
        DefaultAction = spec.DefaultAction ?? TierDefaultAction.Deny,
        Order = spec.Order ?? (name == Tier.DefaultName ? Tier.DefaultTierOrder : null),
    };

    /// <summary>
    /// clientv3/workloadendpoint.go: the namespace, orchestrator and service-account labels that selectors
    /// (and namespaceSelector scoping) rely on.
    /// </summary>
    private static WorkloadEndpoint WorkloadLabels(WorkloadEndpoint endpoint)
    {
        var labels = endpoint.Metadata.Labels;
        if (!string.IsNullOrEmpty(endpoint.Metadata.Namespace)) labels = labels.SetItem(NamespaceLabel, endpoint.Metadata.Namespace);
        if (!string.IsNullOrEmpty(endpoint.Spec.Orchestrator)) labels = labels.SetItem(OrchestratorLabel, endpoint.Spec.Orchestrator);
        if (!string.IsNullOrEmpty(endpoint.Spec.ServiceAccountName)) labels = labels.SetItem(ServiceAccountLabel, endpoint.Spec.ServiceAccountName);
        return endpoint with { Metadata = endpoint.Metadata with { Labels = labels } };
    }
}
