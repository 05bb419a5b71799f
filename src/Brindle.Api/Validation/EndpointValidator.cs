namespace Brindle.Api;

/// <summary>Validation of WorkloadEndpoint, HostEndpoint and FelixConfiguration.</summary>
internal static class EndpointValidator
{
    private const int MinMtu = 576;
    private const int MaxMtu = 65535;
    private const int MaxVni = 16_777_215;

    public static void ValidateWorkload(FieldErrors errors, WorkloadEndpointSpec spec)
    {
        for (var i = 0; i < spec.IPNetworks.Count; i++)
        {
            var network = spec.IPNetworks[i];
            if (network.PrefixLength != network.MaxPrefixLength)
            {
                errors.Add($"spec.ipNetworks[{i}]", $"{network} contains several addresses; endpoints take single addresses (/32 or /128)");
            }
        }
        if (spec.IPv4Gateway is { } gw4) errors.AddIf("spec.ipv4Gateway", Formats.IPAddress(gw4, 4));
        if (spec.IPv6Gateway is { } gw6) errors.AddIf("spec.ipv6Gateway", Formats.IPAddress(gw6, 6));
        for (var i = 0; i < spec.IPNats.Count; i++)
        {
            var nat = spec.IPNats[i];
            var path = $"spec.ipNATs[{i}]";
            var internalError = Formats.IPAddress(nat.InternalIP);
            var externalError = Formats.IPAddress(nat.ExternalIP);
            errors.AddIf($"{path}.internalIP", internalError);
            errors.AddIf($"{path}.externalIP", externalError);
            if (IPAddressText.TryParse(nat.InternalIP, out var inside) && IPAddressText.TryParse(nat.ExternalIP, out var outside))
            {
                if (inside.AddressFamily != outside.AddressFamily) errors.Add(path, "internalIP and externalIP must be the same IP version");
                if (!spec.IPNetworks.Any(n => n.Contains(inside))) errors.Add($"{path}.internalIP", $"{nat.InternalIP} is not one of the endpoint's ipNetworks");
            }
        }
        if (spec.Mac is { } mac) errors.AddIf("spec.mac", Formats.Mac(mac));
        if (spec.InterfaceName is { } iface && iface != "*") errors.AddIf("spec.interfaceName", Formats.Interface(iface));
        if (spec.ContainerId is { } id) errors.AddIf("spec.containerID", Formats.ContainerIdentifier(id));
        ValidateProfiles(errors, spec.Profiles);
        ValidatePorts(errors, spec.Ports);
    }

    public static void ValidateHost(FieldErrors errors, HostEndpointSpec spec)
    {
        if (string.IsNullOrEmpty(spec.Node)) errors.Add("spec.node", "node is required");
        if (string.IsNullOrEmpty(spec.InterfaceName) && spec.ExpectedIPs.IsEmpty)
        {
            errors.Add("spec.interfaceName", "either interfaceName or expectedIPs is required");
        }
        if (spec.InterfaceName is { } iface) errors.AddIf("spec.interfaceName", Formats.Interface(iface));
        for (var i = 0; i < spec.ExpectedIPs.Count; i++) errors.AddIf($"spec.expectedIPs[{i}]", Formats.IPAddress(spec.ExpectedIPs[i]));
        ValidateProfiles(errors, spec.Profiles);
        ValidatePorts(errors, spec.Ports);
    }

    private static void ValidateProfiles(FieldErrors errors, EquatableArray<string> profiles)
    {
        for (var i = 0; i < profiles.Count; i++) errors.AddIf($"spec.profiles[{i}]", Formats.ResourceName(profiles[i]));
    }

    private static void ValidatePorts(FieldErrors errors, EquatableArray<EndpointPort> ports)
    {
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var path = $"spec.ports[{i}]";
            errors.AddIf($"{path}.name", Formats.NamedPort(port.Name));
            if (!port.Protocol.SupportsPorts) errors.Add($"{path}.protocol", $"protocol {port.Protocol} does not support ports (only TCP, UDP and SCTP do)");
            errors.AddIf($"{path}.port", Formats.PortNumber(port.Port));
            if (port.HostPort is { } hostPort) errors.AddIf($"{path}.hostPort", Formats.PortNumber(hostPort));
            if (port.HostIP is { } hostIP) errors.AddIf($"{path}.hostIP", Formats.IPAddress(hostIP));
        }
    }

    public static void ValidateFelix(FieldErrors errors, FelixConfigurationSpec spec)
    {
        Port(errors, spec.HealthPort, "spec.healthPort");
        Port(errors, spec.PrometheusMetricsPort, "spec.prometheusMetricsPort");
        Port(errors, spec.VxlanPort, "spec.vxlanPort");
        Port(errors, spec.MetadataPort, "spec.metadataPort");
        Mtu(errors, spec.IpipMtu, "spec.ipipMTU");
        Mtu(errors, spec.VxlanMtu, "spec.vxlanMTU");
        Mtu(errors, spec.VxlanMtuV6, "spec.vxlanMTUV6");
        if (spec.VxlanVni is { } vni && vni is < 1 or > MaxVni) errors.Add("spec.vxlanVNI", $"VNI {vni} out of range 1-{MaxVni}");
        if (spec.NatOutgoingAddress is { } nat) errors.AddIf("spec.natOutgoingAddress", Formats.IPAddress(nat, 4));
        if (spec.NatPortRange is { } range) errors.AddIf("spec.natPortRange", range.IsNamed ? "natPortRange must be numeric" : Formats.Port(range));
        if (spec.OpenstackRegion is { } region) errors.AddIf("spec.openstackRegion", Formats.Label(region, "openstackRegion"));
        BgpValidator.OneOf(errors, spec.DefaultEndpointToHostAction, ["Drop", "Return", "Accept"], "spec.defaultEndpointToHostAction");
        BgpValidator.OneOf(errors, spec.ChainInsertMode, ["Insert", "Append"], "spec.chainInsertMode");
        BgpValidator.OneOf(errors, spec.RouteSource, ["CalicoIPAM", "WorkloadIPs"], "spec.routeSource");
        foreach (var (ports, path) in new[] { (spec.FailsafeInboundHostPorts, "spec.failsafeInboundHostPorts"), (spec.FailsafeOutboundHostPorts, "spec.failsafeOutboundHostPorts") })
        {
            for (var i = 0; i < ports.Count; i++)
            {
                BgpValidator.OneOf(errors, ports[i].Protocol, ["TCP", "UDP", "SCTP"], $"{path}[{i}].protocol");
                errors.AddIf($"{path}[{i}].port", Formats.PortNumber(ports[i].Port));
                if (ports[i].Net is { } net && !Cidr.TryParse(net, out _, out var error)) errors.Add($"{path}[{i}].net", error);
            }
        }
    }

    private static void Port(FieldErrors errors, int? port, string path)
    {
        if (port is { } value) errors.AddIf(path, Formats.PortNumber(value));
    }

    private static void Mtu(FieldErrors errors, int? mtu, string path)
    {
        if (mtu is { } value && value is < MinMtu or > MaxMtu) errors.Add(path, $"MTU {value} out of range {MinMtu}-{MaxMtu}");
    }
}
