using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Brindle.Api;
using Brindle.Datastore.Resources;
using Brindle.Platform;

namespace Brindle.Agent.Registration;

/// <summary>A startup problem the operator must fix (ambiguous address, bad flag value): one plain line.</summary>
public sealed class AgentStartupException(string message) : Exception(message);

/// <summary>This node's BGP addresses as written to Node.spec.bgp ("A/LEN").</summary>
public sealed record NodeAddresses(InterfaceAddress? IPv4, InterfaceAddress? IPv6);

/// <summary>
/// Node registration (calico-node's startup): decide the node's addresses (given or autodetected from
/// <c>ip -j -d addr show</c>, <c>ip -j route get</c> for can-reach), then create or update the Node resource with
/// compare-and-swap, keeping whatever else is in it (other labels, route-reflector cluster ID, an AS set earlier).
/// </summary>
public static class NodeRegistrar
{
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>Attempts when another writer changes the Node between our read and our write.</summary>
    public const int MaxWriteAttempts = 5;

    public static async Task<NodeAddresses> ResolveAddressesAsync(AgentOptions options, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var ipv4 = options.IPv4Address is { } given4 ? ParseGiven(given4, AddressFamily.InterNetwork, "--ip") : null;
        var ipv6 = options.IPv6Address is { } given6 ? ParseGiven(given6, AddressFamily.InterNetworkV6, "--ip6") : null;
        if (ipv4 is null)
        {
            var method = options.AutodetectionMethod ?? new AutodetectionMethod.FirstFound();
            var json = (await runner.RunAsync(CommandSpec.Of("ip", "-j", "-d", "addr", "show"), cancellationToken)).EnsureSuccess(CommandSpec.Of("ip", "-j", "-d", "addr", "show")).StandardOutput;
            var interfaces = HostInterface.ParseIpAddrJson(json);
            IPAddress? source = null;
            if (method is AutodetectionMethod.CanReach reach) source = await RouteSourceAsync(runner, reach.Destination, cancellationToken);
            var result = IPAutodetector.Detect(method, AddressFamily.InterNetwork, interfaces, source);
            ipv4 = result.Address ?? throw new AgentStartupException("cannot choose this node's IPv4 address: " + result.Error);
        }
        return new NodeAddresses(ipv4, ipv6);
    }

    /// <summary>Parses "A/LEN" or a bare address (taken as /32 or /128).</summary>
    public static InterfaceAddress ParseGiven(string text, AddressFamily family, string flag)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        var familyName = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily != family)
        {
            throw new AgentStartupException($"{flag} '{text}' is not an {familyName} address (A/LEN)");
        }
        var max = family == AddressFamily.InterNetwork ? 32 : 128;
        var length = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length) || length > max))
        {
            throw new AgentStartupException($"{flag} '{text}': the prefix length must be 0-{max}");
        }
        return new InterfaceAddress(address, length);
    }

    private static async Task<IPAddress?> RouteSourceAsync(ICommandRunner runner, string destination, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(CommandSpec.Of("ip", "-j", "route", "get", destination), cancellationToken);
        if (!result.Succeeded) return null;
        using var doc = JsonDocument.Parse(result.StandardOutput);
        foreach (var route in doc.RootElement.EnumerateArray())
        {
            if (route.TryGetProperty("prefsrc", out var src) && IPAddress.TryParse(src.GetString(), out var ip)) return ip;
        }
        return null;
    }

    /// <summary>The Node as it should be after registration (pure): labels and BGP addresses set, everything else kept.</summary>
    public static Node Desired(Node? existing, string nodeName, NodeAddresses addresses, long? asNumber)
    {
        var node = existing ?? new Node { Metadata = new ObjectMetadata { Name = nodeName } };
        var bgp = node.Spec.Bgp ?? new NodeBgpSpec();
        bgp = bgp with
        {
            IPv4Address = addresses.IPv4?.ToString() ?? bgp.IPv4Address,
            IPv6Address = addresses.IPv6?.ToString() ?? bgp.IPv6Address,
            AsNumber = asNumber ?? bgp.AsNumber,
        };
        return node with
        {
            Metadata = node.Metadata with { Labels = node.Metadata.Labels.SetItem(HostnameLabel, nodeName) },
            Spec = node.Spec with { Bgp = bgp },
        };
    }

    /// <summary>Creates or updates the Node with compare-and-swap; returns the stored Node.</summary>
    public static async Task<Node> RegisterAsync(ResourceStore store, string nodeName, NodeAddresses addresses, long? asNumber, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await store.GetAsync<Node>(nodeName, cancellationToken: cancellationToken);
            var desired = Desired(existing, nodeName, addresses, asNumber);
            try
            {
                if (existing is null) return (Node)await store.CreateAsync(desired, cancellationToken);
                if (existing == desired) return existing;
                return (Node)await store.UpdateAsync(desired, cancellationToken);   // resourceVersion of the read: CAS
            }
            catch (Exception e) when (e is ResourceConflictException or ResourceNotFoundException && attempt < MaxWriteAttempts)
            {
                // Someone else wrote the Node between our read and write: read again.
            }
        }
    }
}
