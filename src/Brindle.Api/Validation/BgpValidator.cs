namespace Brindle.Api;

/// <summary>Validation of BGPConfiguration, BGPPeer, BGPFilter and Node.</summary>
internal static class BgpValidator
{
    private const int MaxTtlSecurityHops = 255;

    private static readonly string[] BindModes = ["None", "NodeIP"];
    private static readonly string[] SourceAddresses = ["UseNodeIP", "None"];
    private static readonly string[] NextHopModes = ["Auto", "Self", "Keep"];
    private static readonly string[] ReversePeeringModes = ["Auto", "Manual"];
    private static readonly string[] FilterActions = ["Accept", "Reject"];
    private static readonly string[] MatchOperators = ["In", "NotIn", "Equal", "NotEqual"];
    private static readonly string[] PeerTypes = ["eBGP", "iBGP"];

    public static void ValidateConfiguration(FieldErrors errors, BGPConfiguration configuration)
    {
        var name = configuration.Name;
        if (name != "default" && !name.StartsWith("node.", StringComparison.Ordinal))
        {
            errors.Add("metadata.name", "BGPConfiguration must be named 'default' or 'node.<node name>'");
        }
        var spec = configuration.Spec;
        if (spec.AsNumber is { } asNumber) errors.AddIf("spec.asNumber", Formats.AsNumber(asNumber));
        if (spec.ListenPort is { } port) errors.AddIf("spec.listenPort", Formats.PortNumber(port));
        OneOf(errors, spec.BindMode, BindModes, "spec.bindMode");
        for (var i = 0; i < spec.Communities.Count; i++) errors.AddIf($"spec.communities[{i}].value", Formats.Community(spec.Communities[i].Value));
        if (!spec.Communities.IsEmpty && spec.PrefixAdvertisements.IsEmpty)
        {
            errors.Add("spec.communities", "communities are defined but not used in prefixAdvertisements");
        }
        for (var i = 0; i < spec.PrefixAdvertisements.Count; i++)
        {
            var communities = spec.PrefixAdvertisements[i].Communities;
            for (var j = 0; j < communities.Count; j++)
            {
                var value = communities[j];
                if (Formats.Community(value) is not null && !spec.Communities.Any(c => c.Name == value))
                {
                    errors.Add($"spec.prefixAdvertisements[{i}].communities[{j}]", $"'{value}' is neither a community value nor the name of a defined community");
                }
            }
        }
        for (var i = 0; i < spec.IgnoredInterfaces.Count; i++)
        {
            if (spec.IgnoredInterfaces[i] == "*") errors.Add($"spec.ignoredInterfaces[{i}]", "'*' would ignore every interface");
            else errors.AddIf($"spec.ignoredInterfaces[{i}]", Formats.Interface(spec.IgnoredInterfaces[i].Replace("*", "", StringComparison.Ordinal)));
        }
        if (spec.LocalWorkloadPeeringIPv4 is { } v4) errors.AddIf("spec.localWorkloadPeeringIPV4", Formats.IPAddress(v4, 4));
        if (spec.LocalWorkloadPeeringIPv6 is { } v6) errors.AddIf("spec.localWorkloadPeeringIPV6", Formats.IPAddress(v6, 6));
    }

    public static void ValidatePeer(FieldErrors errors, BGPPeerSpec spec)
    {
        if (spec.Node is not null && spec.NodeSelector is not null) errors.Add("spec.nodeSelector", "node and nodeSelector cannot both be set");
        if (spec.PeerIP is not null && spec.PeerSelector is not null) errors.Add("spec.peerSelector", "peerIP and peerSelector cannot both be set");
        if (spec.PeerIP is null && spec.PeerSelector is null) errors.Add("spec.peerIP", "either peerIP or peerSelector is required");
        if (spec.PeerIP is { } peerIP)
        {
            errors.AddIf("spec.peerIP", Formats.IPWithOptionalPort(peerIP));
            if (spec.AsNumber is null) errors.Add("spec.asNumber", "asNumber is required with peerIP");
        }
        if (spec.AsNumber is { } asNumber) errors.AddIf("spec.asNumber", Formats.AsNumber(asNumber));
        if (spec.LocalAsNumber is { } local) errors.AddIf("spec.localASNumber", Formats.AsNumber(local));
        SelectorRules.Check(errors, spec.NodeSelector, "spec.nodeSelector", SelectorPlace.Plain);
        SelectorRules.Check(errors, spec.PeerSelector, "spec.peerSelector", SelectorPlace.Plain);
        SelectorRules.Check(errors, spec.LocalWorkloadSelector, "spec.localWorkloadSelector", SelectorPlace.Plain);
        OneOf(errors, spec.SourceAddress, SourceAddresses, "spec.sourceAddress");
        OneOf(errors, spec.NextHopMode, NextHopModes, "spec.nextHopMode");
        OneOf(errors, spec.ReversePeering, ReversePeeringModes, "spec.reversePeering");
        if (spec.KeepOriginalNextHop == true && spec.NextHopMode is not null)
        {
            errors.Add("spec.keepOriginalNextHop", "keepOriginalNextHop is deprecated and cannot be combined with nextHopMode");
        }
        if (spec.TtlSecurity is { } ttl && ttl is < 0 or > MaxTtlSecurityHops) errors.Add("spec.ttlSecurity", $"ttlSecurity {ttl} out of range 0-{MaxTtlSecurityHops}");
        if (spec.NumAllowedLocalASNumbers is < 0) errors.Add("spec.numAllowedLocalASNumbers", "must be 0 or more");
        if (spec.ReachableBy is { } reachableBy)
        {
            if (Formats.IPAddress(reachableBy) is { } error) errors.Add("spec.reachableBy", error);
            else if (spec.PeerIP is null) errors.Add("spec.reachableBy", "reachableBy requires peerIP");
            else if (PeerHost(spec.PeerIP) is { } host && IPAddressText.TryParse(host, out var peer) && IPAddressText.TryParse(reachableBy, out var gateway)
                     && peer.AddressFamily != gateway.AddressFamily)
            {
                errors.Add("spec.reachableBy", "reachableBy and peerIP must be the same address family");
            }
        }
        for (var i = 0; i < spec.Filters.Count; i++) errors.AddIf($"spec.filters[{i}]", Formats.ResourceName(spec.Filters[i]));
    }

    private static string? PeerHost(string peerIP)
    {
        if (peerIP.StartsWith('[')) return peerIP[1..Math.Max(1, peerIP.IndexOf(']', StringComparison.Ordinal))];
        return peerIP.Count(c => c == ':') == 1 ? peerIP[..peerIP.IndexOf(':', StringComparison.Ordinal)] : peerIP;
    }

    public static void ValidateFilter(FieldErrors errors, BGPFilterSpec spec)
    {
        ValidateFilterRules(errors, spec.ExportV4, "spec.exportV4", 4);
        ValidateFilterRules(errors, spec.ImportV4, "spec.importV4", 4);
        ValidateFilterRules(errors, spec.ExportV6, "spec.exportV6", 6);
        ValidateFilterRules(errors, spec.ImportV6, "spec.importV6", 6);
    }

    private static void ValidateFilterRules(FieldErrors errors, EquatableArray<BGPFilterRule> rules, string path, int version)
    {
        var maxLength = version == 4 ? 32 : 128;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var at = $"{path}[{i}]";
            OneOf(errors, rule.Action, FilterActions, $"{at}.action");
            OneOf(errors, rule.MatchOperator, MatchOperators, $"{at}.matchOperator");
            OneOf(errors, rule.PeerType, PeerTypes, $"{at}.peerType");
            OneOf(errors, rule.Source, ["RemotePeers"], $"{at}.source");
            if (rule.Cidr is { } cidr)
            {
                if (cidr.IPVersion != version) errors.Add($"{at}.cidr", $"{cidr} is not an IPv{version} CIDR");
                if (rule.MatchOperator is null) errors.Add($"{at}.matchOperator", "matchOperator is required with cidr");
            }
            else if (rule.MatchOperator is not null || rule.PrefixLength is not null)
            {
                errors.Add($"{at}.cidr", "cidr is required with matchOperator or prefixLength");
            }
            if (rule.PrefixLength is { } length)
            {
                if (length.Min is { } min && (min < 0 || min > maxLength)) errors.Add($"{at}.prefixLength.min", $"{min} out of range 0-{maxLength}");
                if (length.Max is { } max && (max < 0 || max > maxLength)) errors.Add($"{at}.prefixLength.max", $"{max} out of range 0-{maxLength}");
                if (length.Min is { } lo && length.Max is { } hi && lo > hi) errors.Add($"{at}.prefixLength", "min must not exceed max");
            }
            if (rule.Interface is { } iface)
            {
                errors.AddIf($"{at}.interface", Formats.Interface(iface.Replace("*", "", StringComparison.Ordinal) is { Length: > 0 } s ? s : "*"));
            }
        }
    }

    public static void ValidateNode(FieldErrors errors, NodeSpec spec)
    {
        if (spec.Bgp is { } bgp)
        {
            if (bgp == new NodeBgpSpec()) errors.Add("spec.bgp", "spec.bgp must not be empty");
            if (bgp.AsNumber is { } asNumber) errors.AddIf("spec.bgp.asNumber", Formats.AsNumber(asNumber));
            if (bgp.IPv4Address is { } v4) errors.AddIf("spec.bgp.ipv4Address", Formats.InterfaceAddress(v4, 4));
            if (bgp.IPv6Address is { } v6) errors.AddIf("spec.bgp.ipv6Address", Formats.InterfaceAddress(v6, 6));
            if (bgp.IPv4IpipTunnelAddr is { } tunnel) errors.AddIf("spec.bgp.ipv4IPIPTunnelAddr", Formats.IPAddress(tunnel, 4));
            if (bgp.RouteReflectorClusterId is { } id) errors.AddIf("spec.bgp.routeReflectorClusterID", Formats.IPAddress(id, 4));
        }
        if (spec.IPv4VxlanTunnelAddr is { } vx4) errors.AddIf("spec.ipv4VXLANTunnelAddr", Formats.IPAddress(vx4, 4));
        if (spec.IPv6VxlanTunnelAddr is { } vx6) errors.AddIf("spec.ipv6VXLANTunnelAddr", Formats.IPAddress(vx6, 6));
        if (spec.VxlanTunnelMacAddr is { } mac) errors.AddIf("spec.vxlanTunnelMACAddr", Formats.Mac(mac));
        if (spec.VxlanTunnelMacAddrV6 is { } mac6) errors.AddIf("spec.vxlanTunnelMACAddrV6", Formats.Mac(mac6));
        if (spec.Wireguard?.InterfaceIPv4Address is { } wg4) errors.AddIf("spec.wireguard.interfaceIPv4Address", Formats.IPAddress(wg4, 4));
        if (spec.Wireguard?.InterfaceIPv6Address is { } wg6) errors.AddIf("spec.wireguard.interfaceIPv6Address", Formats.IPAddress(wg6, 6));
    }

    internal static void OneOf(FieldErrors errors, string? value, string[] allowed, string path)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(path, $"invalid value '{value}' (expected one of {string.Join(", ", allowed)})");
        }
    }
}
