using System.Net;
using System.Net.Sockets;

namespace Brindle.Bgp.Model;

/// <summary>Checks a <see cref="BgpInput"/> before rendering and reports every problem, naming resource and field.</summary>
public static class BgpInputValidator
{
    public static IReadOnlyList<BgpInputError> Validate(BgpInput input)
    {
        var errors = new List<BgpInputError>();
        var node = input.Node;
        if (node.IPv4Address is not { AddressFamily: AddressFamily.InterNetwork })
            errors.Add(new("Node", node.Name, "spec.bgp.ipv4Address", "an IPv4 address is required (it is BIRD's router id)"));
        if (node.IPv6Address is { } v6 && v6.AddressFamily != AddressFamily.InterNetworkV6)
            errors.Add(new("Node", node.Name, "spec.bgp.ipv6Address", $"'{v6}' is not an IPv6 address"));
        if (node.AsNumber == 0) errors.Add(new("Node", node.Name, "spec.bgp.asNumber", "AS number 0 is reserved"));
        if (node.RouteReflectorClusterId is { Length: > 0 } id && !IsDottedQuad(id))
            errors.Add(new("Node", node.Name, "spec.bgp.routeReflectorClusterID", $"'{id}' must be an IPv4 dotted quad"));

        var settings = input.Settings;
        if (settings.AsNumber == 0) errors.Add(new("BGPConfiguration", "default", "spec.asNumber", "AS number 0 is reserved"));
        if (settings.ListenPort is { } port && port is < 1 or > 65535)
            errors.Add(new("BGPConfiguration", "default", "spec.listenPort", $"{port} is not a TCP port"));
        if (settings.MeshRestartTimeSeconds is < 1 or > 4095)
            errors.Add(new("BGPConfiguration", "default", "spec.nodeMeshMaxRestartTime", "must be 1 to 4095 seconds"));
        CheckPassword(errors, "BGPConfiguration", "default", "spec.nodeMeshPassword", settings.MeshPassword);

        foreach (var peer in input.Peers)
        {
            if (peer.PeerSelector is null && peer.PeerIP is null)
                errors.Add(new("BGPPeer", peer.Name, "spec.peerIP", "either peerIP or peerSelector is required"));
            if (peer.PeerSelector is not null && peer.PeerIP is not null)
                errors.Add(new("BGPPeer", peer.Name, "spec.peerSelector", "peerIP and peerSelector cannot both be set"));
            if (peer.Node is not null && !string.IsNullOrWhiteSpace(peer.NodeSelector))
                errors.Add(new("BGPPeer", peer.Name, "spec.nodeSelector", "node and nodeSelector cannot both be set"));
            if (peer.PeerIP is not null && peer.AsNumber is null or 0)
                errors.Add(new("BGPPeer", peer.Name, "spec.asNumber", "a non-zero AS number is required with peerIP"));
            if (peer.PeerPort is { } p && p is < 1 or > 65535)
                errors.Add(new("BGPPeer", peer.Name, "spec.peerIP", $"port {p} is not a TCP port"));
            if (peer.MaxRestartTimeSeconds is < 1 or > 4095)
                errors.Add(new("BGPPeer", peer.Name, "spec.maxRestartTime", "must be 1 to 4095 seconds"));
            CheckPassword(errors, "BGPPeer", peer.Name, "spec.password", peer.Password);
        }
        return errors;
    }

    private static void CheckPassword(List<BgpInputError> errors, string kind, string name, string field, string? password)
    {
        if (password is null) return;
        if (password.Length is 0 or > 80) errors.Add(new(kind, name, field, "a TCP MD5 password must be 1 to 80 characters"));
        if (password.Any(char.IsControl)) errors.Add(new(kind, name, field, "control characters are not allowed"));
        if (password.Contains('"')) errors.Add(new(kind, name, field, "a double quote cannot be written in BIRD's configuration"));
    }

    private static bool IsDottedQuad(string text) =>
        IPAddress.TryParse(text, out var a) && a.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3;
}
