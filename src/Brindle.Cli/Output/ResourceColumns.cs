using System.Globalization;
using Brindle.Api;

namespace Brindle.Cli.Output;

/// <summary>One table column: its heading and how to read a cell from a resource.</summary>
internal sealed record TableColumn(string Heading, Func<Resource, string> Cell);

/// <summary>
/// calicoctl's table columns per kind (<c>-o ps</c> and <c>-o wide</c>). Namespaced kinds get a leading NAMESPACE
/// column when listing across namespaces (<c>-A</c>).
/// </summary>
internal static class ResourceColumns
{
    private static readonly TableColumn Name = new("NAME", r => r.Name);

    public static IReadOnlyList<TableColumn> For(ResourceKind kind, bool wide, bool allNamespaces)
    {
        var columns = wide ? Wide(kind) : Narrow(kind);
        return kind.Namespaced && allNamespaces ? [new TableColumn("NAMESPACE", r => r.Namespace ?? ""), .. columns] : columns;
    }

    private static IReadOnlyList<TableColumn> Narrow(ResourceKind kind) => kind.Name switch
    {
        nameof(IPPool) => [Name, Col<IPPool>("CIDR", p => p.Spec.Cidr.ToString()), Col<IPPool>("SELECTOR", p => p.Spec.NodeSelector)],
        nameof(IPReservation) => [Name, Col<IPReservation>("CIDRS", r => Join(r.Spec.ReservedCidrs))],
        nameof(WorkloadEndpoint) => [.. WorkloadColumns],
        nameof(NetworkPolicy) => [PolicyName],
        nameof(GlobalNetworkPolicy) => [PolicyName],
        nameof(BGPPeer) => [.. PeerColumns],
        nameof(HostEndpoint) => [.. HostEndpointColumns],
        nameof(BGPConfiguration) => [.. BgpConfigurationColumns],
        nameof(Tier) => [Name, Col<Tier>("ORDER", t => Number(t.Spec.Order))],
        _ => [Name],
    };

    private static IReadOnlyList<TableColumn> Wide(ResourceKind kind) => kind.Name switch
    {
        nameof(IPPool) =>
        [
            Name,
            Col<IPPool>("CIDR", p => p.Spec.Cidr.ToString()),
            Col<IPPool>("NAT", p => Bool(p.Spec.NatOutgoing)),
            Col<IPPool>("IPIPMODE", p => (p.Spec.IpipMode ?? EncapsulationMode.Never).ToString()),
            Col<IPPool>("VXLANMODE", p => (p.Spec.VxlanMode ?? EncapsulationMode.Never).ToString()),
            Col<IPPool>("DISABLED", p => Bool(p.Spec.Disabled)),
            Col<IPPool>("DISABLEBGPEXPORT", p => Bool(p.Spec.DisableBgpExport)),
            Col<IPPool>("SELECTOR", p => p.Spec.NodeSelector),
        ],
        nameof(WorkloadEndpoint) =>
        [
            Name, .. WorkloadColumns,
            Col<WorkloadEndpoint>("PROFILES", w => string.Join(",", w.Spec.Profiles)),
            Col<WorkloadEndpoint>("NATS", w => string.Join(",", w.Spec.IPNats.Select(n => $"{n.InternalIP}->{n.ExternalIP}"))),
        ],
        nameof(NetworkPolicy) => [PolicyName, PolicyOrder, PolicySelector],
        nameof(GlobalNetworkPolicy) => [PolicyName, PolicyOrder, PolicySelector],
        nameof(Node) =>
        [
            Name,
            Col<Node>("ASN", n => n.Spec.Bgp?.AsNumber?.ToString(CultureInfo.InvariantCulture)),
            Col<Node>("IPV4", n => n.Spec.Bgp?.IPv4Address),
            Col<Node>("IPV6", n => n.Spec.Bgp?.IPv6Address),
        ],
        nameof(HostEndpoint) => [.. HostEndpointColumns, Col<HostEndpoint>("PROFILES", h => string.Join(",", h.Spec.Profiles))],
        nameof(Tier) => [Name, Col<Tier>("ORDER", t => Number(t.Spec.Order)), Col<Tier>("DEFAULTACTION", t => t.Spec.DefaultAction?.ToString())],
        nameof(Profile) => [Name, Col<Profile>("LABELS", p => string.Join(",", p.Spec.LabelsToApply.Select(l => $"{l.Key}={l.Value}")))],
        _ => Narrow(kind),
    };

    private static readonly TableColumn[] WorkloadColumns =
    [
        Col<WorkloadEndpoint>("WORKLOAD", w => w.Spec.Workload),
        Col<WorkloadEndpoint>("NODE", w => w.Spec.Node),
        Col<WorkloadEndpoint>("NETWORKS", w => Join(w.Spec.IPNetworks)),
        Col<WorkloadEndpoint>("INTERFACE", w => w.Spec.InterfaceName),
    ];

    private static readonly TableColumn[] PeerColumns =
    [
        Name,
        Col<BGPPeer>("PEERIP", p => p.Spec.PeerIP),
        Col<BGPPeer>("NODE", p => p.Spec.Node ?? p.Spec.NodeSelector ?? "(global)"),
        Col<BGPPeer>("ASN", p => p.Spec.AsNumber?.ToString(CultureInfo.InvariantCulture)),
    ];

    private static readonly TableColumn[] HostEndpointColumns =
    [
        Name,
        Col<HostEndpoint>("NODE", h => h.Spec.Node),
        Col<HostEndpoint>("INTERFACE", h => h.Spec.InterfaceName),
        Col<HostEndpoint>("IPS", h => string.Join(",", h.Spec.ExpectedIPs)),
    ];

    private static readonly TableColumn[] BgpConfigurationColumns =
    [
        Name,
        Col<BGPConfiguration>("LOGSEVERITY", b => b.Spec.LogSeverityScreen),
        Col<BGPConfiguration>("MESHENABLED", b => b.Spec.NodeToNodeMeshEnabled is null ? "" : Bool(b.Spec.NodeToNodeMeshEnabled)),
        Col<BGPConfiguration>("ASNUMBER", b => b.Spec.AsNumber?.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>Policies outside the default tier are shown as <c>tier.name</c>, as Calico names them.</summary>
    private static readonly TableColumn PolicyName = new("NAME", r =>
    {
        var tier = PolicySpecOf(r).TierName;
        return tier == Tier.DefaultName || r.Name.StartsWith(tier + ".", StringComparison.Ordinal) ? r.Name : $"{tier}.{r.Name}";
    });

    private static readonly TableColumn PolicyOrder = new("ORDER", r => Number(PolicySpecOf(r).Order));

    private static readonly TableColumn PolicySelector = new("SELECTOR", r => PolicySpecOf(r).Selector ?? "");

    private static PolicySpec PolicySpecOf(Resource r) => r switch
    {
        NetworkPolicy p => p.Spec,
        GlobalNetworkPolicy g => g.Spec,
        _ => throw new ArgumentException($"{r.Kind} is not a policy", nameof(r)),
    };

    private static TableColumn Col<T>(string heading, Func<T, string?> cell) where T : Resource =>
        new(heading, r => cell((T)r) ?? "");

    private static string Join<T>(EquatableArray<T> items) => string.Join(",", items.Select(i => i?.ToString()));

    private static string Bool(bool? value) => value == true ? "true" : "false";

    private static string Number(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
