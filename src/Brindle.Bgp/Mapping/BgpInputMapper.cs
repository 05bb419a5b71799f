using System.Globalization;
using System.Net;
using Brindle.Api;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Mapping;

/// <summary>Builds a <see cref="BgpInput"/> for one node from Calico resources (Node, BGPConfiguration, BGPPeer, IPPool).</summary>
/// <remarks>
/// Rules (Calico's): nodes without <c>spec.bgp</c> take no part in BGP; <c>BGPConfiguration</c> "default" holds the
/// cluster settings and "node.NAME" may override <c>logSeverityScreen</c> and <c>listenPort</c> for that node;
/// <c>peerIP</c> is "IP", "IP:port" or "[IPv6]:port"; <c>keepOriginalNextHop: true</c> means <c>nextHopMode: Keep</c>;
/// durations are Go durations ("120s", "2m"). Passwords are resolved through <c>secrets</c>. Every problem is
/// reported with kind, name and field; nothing is rendered from a half-valid set. Pure.
/// </remarks>
public static class BgpInputMapper
{
    public static BgpMapResult Map(
        string nodeName,
        BgpResources resources,
        IReadOnlyList<IPNetwork> affinityBlocks,
        IReadOnlyList<IPNetwork> borrowedAddresses,
        Func<SecretKeyReference, string?> secrets,
        Func<string, IReadOnlyDictionary<string, string>, bool> selectorMatcher)
    {
        var errors = new List<BgpInputError>();
        var nodes = resources.Nodes.Where(n => n.Spec.Bgp is not null).OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => MapNode(n, errors)).ToList();
        var self = nodes.FirstOrDefault(n => n.Name == nodeName);
        if (self is null) errors.Add(new("Node", nodeName, "spec.bgp", "the node does not exist or has no BGP configuration"));

        var settings = MapSettings(nodeName, resources.Configurations, secrets, errors);
        var peers = resources.Peers.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => MapPeer(p, secrets, errors)).ToList();
        var pools = resources.Pools.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new BgpPoolInput(p.Spec.Cidr.Network)
        {
            DisableBgpExport = p.Spec.DisableBgpExport ?? false,
            IpipMode = Encapsulation(p.Spec.IpipMode),
            VxlanMode = Encapsulation(p.Spec.VxlanMode),
        }).ToList();

        if (errors.Count > 0 || self is null) return new BgpMapResult(null, errors);
        var input = new BgpInput(self, nodes, settings, peers, pools, affinityBlocks, borrowedAddresses) { SelectorMatcher = selectorMatcher };
        var invalid = BgpInputValidator.Validate(input);
        return invalid.Count > 0 ? new BgpMapResult(null, invalid) : new BgpMapResult(input, []);
    }

    private static BgpNodeInput MapNode(Node node, List<BgpInputError> errors)
    {
        var bgp = node.Spec.Bgp!;
        return new BgpNodeInput(
            node.Name,
            InterfaceAddress(bgp.IPv4Address, "Node", node.Name, "spec.bgp.ipv4Address", errors),
            InterfaceAddress(bgp.IPv6Address, "Node", node.Name, "spec.bgp.ipv6Address", errors),
            AsNumber(bgp.AsNumber, "Node", node.Name, "spec.bgp.asNumber", errors),
            string.IsNullOrEmpty(bgp.RouteReflectorClusterId) ? null : bgp.RouteReflectorClusterId,
            node.Metadata.Labels);
    }

    private static BgpSettings MapSettings(string nodeName, IReadOnlyList<BGPConfiguration> configurations, Func<SecretKeyReference, string?> secrets, List<BgpInputError> errors)
    {
        var global = configurations.FirstOrDefault(c => c.Name == "default")?.Spec ?? new BGPConfigurationSpec();
        var perNode = configurations.FirstOrDefault(c => c.Name == "node." + nodeName)?.Spec;
        var settings = new BgpSettings
        {
            NodeToNodeMeshEnabled = global.NodeToNodeMeshEnabled ?? true,
            AsNumber = AsNumber(global.AsNumber, "BGPConfiguration", "default", "spec.asNumber", errors) ?? BgpSettings.DefaultAsNumber,
            ListenPort = perNode?.ListenPort ?? global.ListenPort,
            MeshPassword = Password(global.NodeMeshPassword, "BGPConfiguration", "default", "spec.nodeMeshPassword", secrets, errors),
            MeshRestartTimeSeconds = Seconds(global.NodeMeshMaxRestartTime, "BGPConfiguration", "default", "spec.nodeMeshMaxRestartTime", errors) ?? BgpSettings.DefaultRestartTimeSeconds,
        };
        var severity = perNode?.LogSeverityScreen ?? global.LogSeverityScreen;
        if (severity is null) return settings;
        if (Enum.TryParse<BgpLogSeverity>(severity, ignoreCase: true, out var level)) return settings with { LogSeverity = level };
        errors.Add(new("BGPConfiguration", perNode?.LogSeverityScreen is null ? "default" : "node." + nodeName, "spec.logSeverityScreen", $"'{severity}' is not one of Debug, Info, Warning, Error, Fatal"));
        return settings;
    }

    private static BgpPeerInput MapPeer(BGPPeer peer, Func<SecretKeyReference, string?> secrets, List<BgpInputError> errors)
    {
        var spec = peer.Spec;
        var (address, port) = PeerEndpoint(spec.PeerIP, peer.Name, errors);
        var nextHop = spec.KeepOriginalNextHop == true ? BgpNextHopMode.Keep : BgpNextHopMode.Auto;
        if (spec.NextHopMode is { } mode)
        {
            if (Enum.TryParse<BgpNextHopMode>(mode, ignoreCase: true, out var parsed)) nextHop = parsed;
            else errors.Add(new("BGPPeer", peer.Name, "spec.nextHopMode", $"'{mode}' is not one of Auto, Self, Keep"));
        }
        return new BgpPeerInput(peer.Name)
        {
            Node = string.IsNullOrEmpty(spec.Node) ? null : spec.Node,
            NodeSelector = string.IsNullOrWhiteSpace(spec.NodeSelector) ? null : spec.NodeSelector,
            PeerSelector = string.IsNullOrWhiteSpace(spec.PeerSelector) ? null : spec.PeerSelector,
            PeerIP = address,
            PeerPort = port,
            AsNumber = AsNumber(spec.AsNumber, "BGPPeer", peer.Name, "spec.asNumber", errors),
            Password = Password(spec.Password, "BGPPeer", peer.Name, "spec.password", secrets, errors),
            NextHopMode = nextHop,
            MaxRestartTimeSeconds = Seconds(spec.MaxRestartTime, "BGPPeer", peer.Name, "spec.maxRestartTime", errors),
        };
    }

    /// <summary>"IP", "IP:port" or "[IPv6]:port".</summary>
    private static (IPAddress? Address, int? Port) PeerEndpoint(string? text, string name, List<BgpInputError> errors)
    {
        if (string.IsNullOrEmpty(text)) return (null, null);
        if (IPAddress.TryParse(text, out var bare) && !text.Contains(']', StringComparison.Ordinal)) return (bare, null);
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port is > 0 and <= 65535 && (text.Contains(']', StringComparison.Ordinal) || endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
            return (endpoint.Address, endpoint.Port);
        errors.Add(new("BGPPeer", name, "spec.peerIP", $"'{text}' is not IP, IP:port or [IPv6]:port"));
        return (null, null);
    }

    private static IPAddress? InterfaceAddress(string? text, string kind, string name, string field, List<BgpInputError> errors)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address)) return address;
        errors.Add(new(kind, name, field, $"'{text}' is not an address (with optional /prefix)"));
        return null;
    }

    private static uint? AsNumber(long? value, string kind, string name, string field, List<BgpInputError> errors)
    {
        if (value is null) return null;
        if (value is > 0 and <= uint.MaxValue) return (uint)value.Value;
        errors.Add(new(kind, name, field, $"{value} is not an AS number (1 to 4294967295)"));
        return null;
    }

    private static string? Password(BgpPassword? password, string kind, string name, string field, Func<SecretKeyReference, string?> secrets, List<BgpInputError> errors)
    {
        if (password?.SecretKeyRef is not { } reference) return null;
        var value = secrets(reference);
        if (value is null) errors.Add(new(kind, name, field, $"secret '{reference.Name}' key '{reference.Key}' not found"));
        return value;
    }

    /// <summary>Go duration with whole seconds: "120s", "2m", "1m30s", "1h".</summary>
    private static int? Seconds(string? text, string kind, string name, string field, List<BgpInputError> errors)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var total = 0L;
        var number = 0L;
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c)) { number = number * 10 + (c - '0'); digits++; continue; }
            var unit = c switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
            if (unit == 0 || digits == 0 || number > int.MaxValue) { total = -1; break; }
            total += number * unit;
            number = 0;
            digits = 0;
        }
        if (total > 0 && digits == 0 && total <= int.MaxValue) return (int)total;
        errors.Add(new(kind, name, field, string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a duration in whole seconds such as 120s or 2m")));
        return null;
    }

    private static BgpEncapsulation Encapsulation(EncapsulationMode? mode) => mode switch
    {
        EncapsulationMode.Always => BgpEncapsulation.Always,
        EncapsulationMode.CrossSubnet => BgpEncapsulation.CrossSubnet,
        _ => BgpEncapsulation.Never,
    };
}
