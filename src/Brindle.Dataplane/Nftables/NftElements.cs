using System.Net;
using Brindle.Calculation.Messages;

namespace Brindle.Dataplane.Nftables;

/// <summary>Canonical text of set elements, shared by the renderer and the kernel-state parser so they compare equal.</summary>
public static class NftElements
{
    /// <summary>Drops nets contained in other nets of the list (nft rejects overlapping intervals); the rest in address order (IPv4 first).</summary>
    /// <remarks>
    /// O(n log n): sorted by <see cref="IPSetMember.NetworkOrder"/> (family, start address, shorter prefix first), a net
    /// is contained in an earlier one exactly when it is contained in the last one kept (CIDRs are nested or disjoint).
    /// </remarks>
    public static List<IPNetwork> Normalize(IEnumerable<IPNetwork> nets)
    {
        var sorted = nets.ToList();
        sorted.Sort(IPSetMember.NetworkOrder);
        var kept = new List<IPNetwork>(sorted.Count);
        foreach (var net in sorted)
        {
            if (kept.Count > 0 && kept[^1].BaseAddress.AddressFamily == net.BaseAddress.AddressFamily && kept[^1].Contains(net.BaseAddress)) continue;
            kept.Add(net);
        }
        return kept;
    }

    /// <summary>Elements of the nft set for one IP version of an IP set.</summary>
    /// <param name="networks">Whether any member of this version is a network: without one there is nothing to reduce.</param>
    public static IEnumerable<string> For(IEnumerable<IPSetMember> members, IPSetType type, int version, bool networks = true)
    {
        var ofVersion = members.Where(m => NftRuleRenderer.Version(m.Net) == version);
        if (type == IPSetType.Nets && !networks) return ofVersion.Select(m => Text(m.Net));   // members are distinct
        if (type == IPSetType.Nets) return Normalize(ofVersion.Select(m => m.Net)).Select(Text);
        // Named-port members are exact addresses with protocol and port (no intervals).
        return ofVersion.Where(m => m.Protocol is not null && m.Port is not null)
            .Select(m => NamedPort(m.Net.BaseAddress, m.Protocol!.Value, m.Port!.Value)).Distinct();
    }

    /// <summary>A net's canonical element text, <c>10.0.0.1/32</c> (as <see cref="IPNetwork.ToString"/>, without its intermediate strings).</summary>
    public static string Text(IPNetwork net)
    {
        Span<char> buffer = stackalloc char[64];   // the longest IPv6 text (45) + "/128"
        if (!net.BaseAddress.TryFormat(buffer, out var written)) return net.ToString();
        buffer[written++] = '/';
        net.PrefixLength.TryFormat(buffer[written..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        return new string(buffer[..(written + digits)]);
    }

    public static string NamedPort(IPAddress address, int protocol, int port) => $"{address} . {protocol} . {port}";

}
