using System.Net;
using Brindle.Calculation.Messages;

namespace Brindle.Dataplane.Nftables;

/// <summary>Canonical text of set elements, shared by the renderer and the kernel-state parser so they compare equal.</summary>
public static class NftElements
{
    /// <summary>Drops nets contained in other nets of the list (nft rejects overlapping intervals) and sorts the rest.</summary>
    public static List<IPNetwork> Normalize(IEnumerable<IPNetwork> nets)
    {
        var kept = new List<IPNetwork>();
        foreach (var net in nets.Distinct().OrderBy(n => n.PrefixLength))
        {
            if (!kept.Any(k => k.BaseAddress.AddressFamily == net.BaseAddress.AddressFamily && k.Contains(net.BaseAddress))) kept.Add(net);
        }
        kept.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        return kept;
    }

    /// <summary>Elements of the nft set for one IP version of an IP set.</summary>
    public static IEnumerable<string> For(IEnumerable<IPSetMember> members, IPSetType type, int version)
    {
        var ofVersion = members.Where(m => NftRuleRenderer.Version(m.Net) == version);
        if (type == IPSetType.Nets) return Normalize(ofVersion.Select(m => m.Net)).Select(n => n.ToString());
        // Named-port members are exact addresses with protocol and port (no intervals).
        return ofVersion.Where(m => m.Protocol is not null && m.Port is not null)
            .Select(m => NamedPort(m.Net.BaseAddress, m.Protocol!.Value, m.Port!.Value)).Distinct();
    }

    public static string NamedPort(IPAddress address, int protocol, int port) => $"{address} . {protocol} . {port}";

}
