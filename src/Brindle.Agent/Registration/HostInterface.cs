using System.Net;
using System.Text.Json;

namespace Brindle.Agent.Registration;

/// <summary>One network interface of the host with its global-scope addresses, as <c>ip -j -d addr show</c> reports it.</summary>
/// <param name="Kind">The link kind from <c>linkinfo.info_kind</c> (veth, bridge, dummy, vxlan, …); empty for a plain device.</param>
public sealed record HostInterface(string Name, string Kind, bool IsLoopback, bool IsUp, IReadOnlyList<InterfaceAddress> Addresses)
{
    /// <summary>Parses the JSON of <c>ip -j -d addr show</c>. Addresses of host or link scope are left out.</summary>
    public static IReadOnlyList<HostInterface> ParseIpAddrJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new List<HostInterface>();
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            var name = link.GetProperty("ifname").GetString() ?? "";
            var kind = link.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_kind", out var k) ? k.GetString() ?? "" : "";
            var flags = link.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
            var loopback = flags.Contains("LOOPBACK") || (link.TryGetProperty("link_type", out var lt) && lt.GetString() == "loopback");
            var addresses = new List<InterfaceAddress>();
            if (link.TryGetProperty("addr_info", out var addrs))
            {
                foreach (var a in addrs.EnumerateArray())
                {
                    if (!a.TryGetProperty("local", out var local) || !IPAddress.TryParse(local.GetString(), out var ip)) continue;
                    var scope = a.TryGetProperty("scope", out var s) ? s.GetString() : "global";
                    if (scope != "global") continue;
                    addresses.Add(new InterfaceAddress(ip, a.GetProperty("prefixlen").GetInt32()));
                }
            }
            result.Add(new HostInterface(name, kind, loopback, flags.Contains("UP"), addresses));
        }
        return result;
    }
}

/// <summary>An address with its prefix length, printed as <c>10.0.0.5/24</c> (the form Node.spec.bgp.ipv4Address takes).</summary>
public sealed record InterfaceAddress(IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}
