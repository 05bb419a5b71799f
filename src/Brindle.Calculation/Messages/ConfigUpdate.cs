using System.Net;

namespace Brindle.Calculation.Messages;

/// <summary>A failsafe port: traffic with this protocol and (destination) port always passes host endpoint policy.</summary>
/// <param name="Net">Optional: only when the remote address is in this CIDR.</param>
public sealed record FailsafePort(int Protocol, int Port, IPNetwork? Net = null);

/// <summary>What happens to traffic from a workload to the host itself, after the workload's egress policy (Felix's <c>DefaultEndpointToHostAction</c>).</summary>
public enum EndpointToHostAction
{
    Drop,
    Accept,
}

/// <summary>
/// Dataplane configuration (Felix configuration resolved for this host). Every field has Calico's default, so
/// <see cref="Default"/> is a valid configuration; the dataplane uses it until a ConfigUpdate arrives.
/// </summary>
public sealed record ConfigUpdate : DataplaneMessage
{
    public static ConfigUpdate Default { get; } = new();

    /// <summary>Calico's default <c>FailsafeInboundHostPorts</c>: SSH, DHCP, BGP, etcd, Typha, Kubernetes API.</summary>
    public ValueList<FailsafePort> FailsafeInboundHostPorts { get; init; } =
    [
        new(IPProtocols.Tcp, 22), new(IPProtocols.Udp, 68), new(IPProtocols.Tcp, 179), new(IPProtocols.Tcp, 2379),
        new(IPProtocols.Tcp, 2380), new(IPProtocols.Tcp, 5473), new(IPProtocols.Tcp, 6443), new(IPProtocols.Tcp, 6666),
        new(IPProtocols.Tcp, 6667),
    ];

    /// <summary>Calico's default <c>FailsafeOutboundHostPorts</c>: DNS, DHCP, BGP, etcd, Typha, Kubernetes API.</summary>
    public ValueList<FailsafePort> FailsafeOutboundHostPorts { get; init; } =
    [
        new(IPProtocols.Udp, 53), new(IPProtocols.Udp, 67), new(IPProtocols.Tcp, 179), new(IPProtocols.Tcp, 2379),
        new(IPProtocols.Tcp, 2380), new(IPProtocols.Tcp, 5473), new(IPProtocols.Tcp, 6443), new(IPProtocols.Tcp, 6666),
        new(IPProtocols.Tcp, 6667),
    ];

    /// <summary>Felix's <c>DefaultEndpointToHostAction</c> (default Drop).</summary>
    public EndpointToHostAction EndpointToHostAction { get; init; } = EndpointToHostAction.Drop;

    /// <summary>Workload interface name prefixes (Felix's <c>InterfacePrefix</c>); traffic on a matching interface that has no endpoint is dropped.</summary>
    public ValueList<string> WorkloadInterfacePrefixes { get; init; } = ["cali", "tap"];

    /// <summary>Prefix for packets logged by Log rules (Felix's <c>LogPrefix</c>).</summary>
    public string LogPrefix { get; init; } = "calico-packet";

    /// <summary>Whether IPv6 rules, routes and sysctls are programmed.</summary>
    public bool IPv6Support { get; init; } = true;

    /// <summary>Period of the drift-repairing resync of nftables and routes (Felix's <c>IptablesRefreshInterval</c>/<c>RouteRefreshInterval</c>).</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(90);
}
