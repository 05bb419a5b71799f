using System.Net;

namespace Brindle.Calculation.Messages;

/// <summary>Calico's workload endpoint key: orchestrator (<c>k8s</c>, <c>openstack</c>, <c>cni</c>), workload
/// (for Kubernetes <c>namespace/pod</c>) and endpoint (usually <c>eth0</c>).</summary>
public sealed record WorkloadEndpointId(string OrchestratorId, string WorkloadId, string EndpointId)
{
    public override string ToString() => $"{OrchestratorId}/{WorkloadId}/{EndpointId}";
}

/// <summary>A host endpoint's name (the HostEndpoint resource name).</summary>
public sealed record HostEndpointId(string Name)
{
    public override string ToString() => Name;
}

/// <summary>What a tier does with traffic that no policy of the tier decided.</summary>
public enum TierDefaultAction
{
    /// <summary>End-of-tier drop (Calico's default).</summary>
    Deny,

    /// <summary>Continue with the next tier (or the profiles).</summary>
    Pass,
}

/// <summary>
/// One tier that applies to an endpoint, with the policies of the tier that apply to it per direction, already in
/// evaluation order (ascending order, unordered last, ties by name). A tier whose lists are both empty should not be
/// sent; a tier that applies only in one direction has an empty list for the other and is skipped there.
/// </summary>
public sealed record TierInfo(
    string Name,
    ValueList<PolicyId> IngressPolicies,
    ValueList<PolicyId> EgressPolicies,
    TierDefaultAction DefaultAction = TierDefaultAction.Deny);

/// <summary>
/// A workload endpoint on this host and everything needed to police it. Ingress = traffic to the workload (its
/// server side); egress = traffic from the workload.
/// </summary>
/// <param name="InterfaceName">The host side of the workload's interface (<c>cali…</c>, <c>tap…</c>).</param>
/// <param name="Mac">The workload's MAC address (<c>aa:bb:cc:dd:ee:ff</c>) if known; the dataplane installs a permanent neighbour entry for it.</param>
/// <param name="IPv4Nets">The workload's IPv4 addresses, normally /32.</param>
/// <param name="IPv6Nets">The workload's IPv6 addresses, normally /128.</param>
/// <param name="Tiers">Tiers in ascending tier order (the implicit <c>default</c> tier has order 1,000,000).</param>
/// <param name="ProfileIds">Profiles in the endpoint's order, consulted when no tier decides.</param>
public sealed record WorkloadEndpointUpdate(
    WorkloadEndpointId Id,
    string InterfaceName,
    string? Mac,
    ValueList<IPNetwork> IPv4Nets,
    ValueList<IPNetwork> IPv6Nets,
    ValueList<TierInfo> Tiers,
    ValueList<string> ProfileIds) : DataplaneMessage;

/// <summary>The workload endpoint is gone from this host (or became invalid).</summary>
public sealed record WorkloadEndpointRemove(WorkloadEndpointId Id) : DataplaneMessage;

/// <summary>
/// A host endpoint on this host. Only endpoints with an <paramref name="InterfaceName"/> are enforced by the
/// nftables dataplane; Calico's failsafe ports (<see cref="ConfigUpdate"/>) are always let through.
/// </summary>
/// <param name="InterfaceName">The host interface, or null for an endpoint identified only by its expected IPs.</param>
/// <param name="Tiers">Normal policy (traffic to and from the host itself through the interface).</param>
/// <param name="UntrackedTiers">Policies with <c>doNotTrack</c> (optional; not enforced yet).</param>
/// <param name="PreDnatTiers">Policies with <c>preDNAT</c> (optional; not enforced yet).</param>
public sealed record HostEndpointUpdate(
    HostEndpointId Id,
    string? InterfaceName,
    ValueList<IPAddress> ExpectedIPv4Addresses,
    ValueList<IPAddress> ExpectedIPv6Addresses,
    ValueList<TierInfo> Tiers,
    ValueList<string> ProfileIds) : DataplaneMessage
{
    public ValueList<TierInfo> UntrackedTiers { get; init; }

    public ValueList<TierInfo> PreDnatTiers { get; init; }
}

/// <summary>The host endpoint is gone (or became invalid).</summary>
public sealed record HostEndpointRemove(HostEndpointId Id) : DataplaneMessage;
