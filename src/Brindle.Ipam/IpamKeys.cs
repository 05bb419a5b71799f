using System.Net;
using System.Net.Sockets;

namespace Brindle.Ipam;

/// <summary>Calico's etcd v3 layout for IPAM records (libcalico-go model keys), so tools that know Calico find them.</summary>
internal static class IpamKeys
{
    public const string Root = "/calico/ipam/v2/";
    public const string Config = "/calico/ipam/v2/config";
    public const string HandlePrefix = "/calico/ipam/v2/handle/";
    public const string AssignmentPrefix = "/calico/ipam/v2/assignment/";
    public const string HostPrefix = "/calico/ipam/v2/host/";

    public static int Version(AddressFamily family) => family == AddressFamily.InterNetwork ? 4 : 6;

    public static string Cidr(IPNetwork cidr) => $"{cidr.BaseAddress}-{cidr.PrefixLength}";

    /// <summary><c>/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-26</c></summary>
    public static string Block(IPNetwork cidr) => $"{BlockPrefix(cidr.BaseAddress.AddressFamily)}{Cidr(cidr)}";

    public static string BlockPrefix(AddressFamily family) => $"{AssignmentPrefix}ipv{Version(family)}/block/";

    /// <summary><c>/calico/ipam/v2/host/node1/ipv4/block/10.0.0.0-26</c></summary>
    public static string Affinity(string node, IPNetwork cidr) => $"{AffinityPrefix(node, cidr.BaseAddress.AddressFamily)}{Cidr(cidr)}";

    public static string AffinityPrefix(string node, AddressFamily family) => $"{HostPrefix}{node}/ipv{Version(family)}/block/";

    public static string Handle(string handleId) => HandlePrefix + handleId;

    /// <summary>The CIDR at the end of a block or affinity key.</summary>
    public static IPNetwork CidrFromKey(string key)
    {
        var last = key[(key.LastIndexOf('/') + 1)..];
        var dash = last.LastIndexOf('-');
        return new IPNetwork(IPAddress.Parse(last[..dash]), int.Parse(last[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Node and CIDR of an affinity key <c>/calico/ipam/v2/host/&lt;node&gt;/ipvN/block/&lt;cidr&gt;</c>, or null if it is not one.</summary>
    public static (string Node, IPNetwork Cidr)? ParseAffinity(string key)
    {
        if (!key.StartsWith(HostPrefix, StringComparison.Ordinal)) return null;
        var parts = key[HostPrefix.Length..].Split('/');
        if (parts is not [var node, _, "block", _]) return null;
        return (node, CidrFromKey(key));
    }

    /// <summary>Node and handle ids become key segments: they must be non-empty and free of '/'.</summary>
    public static string? CheckSegment(string what, string value) =>
        string.IsNullOrWhiteSpace(value) ? $"{what} must not be empty."
        : value.Contains('/', StringComparison.Ordinal) ? $"{what} '{value}' must not contain '/'."
        : null;
}
