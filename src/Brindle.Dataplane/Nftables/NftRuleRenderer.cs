using System.Net;
using System.Net.Sockets;
using System.Text;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;

namespace Brindle.Dataplane.Nftables;

/// <summary>A rule that cannot be expressed (or names an IP set the dataplane has not received).</summary>
public sealed class RuleNotRenderableException(string reason) : Exception(reason);

/// <summary>
/// Renders one <see cref="Rule"/> as nft rule texts (pure). A rule becomes zero rules (it can never match, e.g.
/// IPv6-only nets in an IPv4-only rule), one rule, or several alternatives with the same action (one per IP
/// version, one per named-port set), which preserves first-match semantics because the alternatives share the
/// rule's verdict.
/// </summary>
/// <remarks>Verdicts: Allow = <c>accept</c> (ends the endpoint's base chain only); Deny = <c>drop</c>; Pass = set
/// <see cref="PassMark"/> and return to the endpoint chain, which skips the rest of the tier; in a profile Pass
/// returns (ends that profile); Log = <c>log</c> and continue.</remarks>
public static class NftRuleRenderer
{
    /// <summary>Mark bit a policy sets on Pass; the endpoint chain clears it at the start of every tier.</summary>
    public const uint PassMark = 0x20000;

    public static IReadOnlyList<string> Render(Rule rule, bool inProfile, string logPrefix, IReadOnlyDictionary<string, IPSetState> ipSets)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Validate(rule, ipSets);
        var verdict = rule.Action switch
        {
            RuleAction.Allow => "accept",
            RuleAction.Deny => "drop",
            RuleAction.Pass => inProfile ? "return" : $"meta mark set meta mark | 0x{PassMark:x} return",
            RuleAction.Log => $"log prefix \"{Escape(rule.LogPrefix ?? logPrefix)}: \"",
            _ => throw new RuleNotRenderableException($"unknown action {rule.Action}"),
        };

        var results = new List<string>();
        foreach (var family in Families(rule))
        {
            foreach (var srcNamed in Alternatives(rule.SrcPorts, rule.SrcNamedPortIPSetIds))
            {
                foreach (var dstNamed in Alternatives(rule.DstPorts, rule.DstNamedPortIPSetIds))
                {
                    var matches = Matches(rule, family, srcNamed, dstNamed, ipSets);
                    if (matches is null) continue;   // this alternative can never match
                    results.Add(matches.Length == 0 ? verdict : matches + " " + verdict);
                }
            }
        }
        return results;
    }

    private static void Validate(Rule rule, IReadOnlyDictionary<string, IPSetState> ipSets)
    {
        var hasPorts = !rule.SrcPorts.IsEmpty || !rule.NotSrcPorts.IsEmpty || !rule.DstPorts.IsEmpty || !rule.NotDstPorts.IsEmpty
            || !rule.SrcNamedPortIPSetIds.IsEmpty || !rule.DstNamedPortIPSetIds.IsEmpty
            || !rule.NotSrcNamedPortIPSetIds.IsEmpty || !rule.NotDstNamedPortIPSetIds.IsEmpty;
        if (hasPorts && rule.Protocol is not (IPProtocols.Tcp or IPProtocols.Udp or IPProtocols.Sctp or IPProtocols.UdpLite))
        {
            throw new RuleNotRenderableException("ports need protocol TCP, UDP, SCTP or UDPLite");
        }
        if ((rule.IcmpType is not null || rule.NotIcmpType is not null) && rule.Protocol is not (IPProtocols.Icmp or IPProtocols.IcmpV6))
        {
            throw new RuleNotRenderableException("an ICMP type needs protocol ICMP or ICMPv6");
        }
        if ((rule.IcmpCode is not null && rule.IcmpType is null) || (rule.NotIcmpCode is not null && rule.NotIcmpType is null))
        {
            throw new RuleNotRenderableException("an ICMP code needs an ICMP type");
        }
        foreach (var range in rule.SrcPorts.Concat(rule.NotSrcPorts).Concat(rule.DstPorts).Concat(rule.NotDstPorts))
        {
            if (range.First is < 0 or > 65535 || range.Last < range.First || range.Last > 65535)
            {
                throw new RuleNotRenderableException($"invalid port range {range}");
            }
        }
        Check(rule.SrcIPSetIds, IPSetType.Nets);
        Check(rule.NotSrcIPSetIds, IPSetType.Nets);
        Check(rule.DstIPSetIds, IPSetType.Nets);
        Check(rule.NotDstIPSetIds, IPSetType.Nets);
        Check(rule.SrcNamedPortIPSetIds, IPSetType.NamedPorts);
        Check(rule.NotSrcNamedPortIPSetIds, IPSetType.NamedPorts);
        Check(rule.DstNamedPortIPSetIds, IPSetType.NamedPorts);
        Check(rule.NotDstNamedPortIPSetIds, IPSetType.NamedPorts);

        void Check(ValueList<string> ids, IPSetType type)
        {
            foreach (var id in ids)
            {
                if (!ipSets.TryGetValue(id, out var set)) throw new RuleNotRenderableException($"IP set '{id}' is not known");
                if (set.Type != type) throw new RuleNotRenderableException($"IP set '{id}' is of type {set.Type}, expected {type}");
            }
        }
    }

    /// <summary>The IP versions the rule must be rendered for: null = one family-neutral rule.</summary>
    private static IEnumerable<int?> Families(Rule rule)
    {
        var specific = rule.IPVersion is not null
            || !rule.SrcNets.IsEmpty || !rule.NotSrcNets.IsEmpty || !rule.DstNets.IsEmpty || !rule.NotDstNets.IsEmpty
            || !rule.SrcIPSetIds.IsEmpty || !rule.NotSrcIPSetIds.IsEmpty || !rule.DstIPSetIds.IsEmpty || !rule.NotDstIPSetIds.IsEmpty
            || !rule.SrcNamedPortIPSetIds.IsEmpty || !rule.DstNamedPortIPSetIds.IsEmpty
            || !rule.NotSrcNamedPortIPSetIds.IsEmpty || !rule.NotDstNamedPortIPSetIds.IsEmpty
            || rule.IcmpType is not null || rule.NotIcmpType is not null;
        if (!specific)
        {
            yield return null;
            yield break;
        }
        foreach (var v in new[] { 4, 6 })
        {
            if (rule.IPVersion is { } only && only != v) continue;
            if (rule.IcmpType is not null || rule.NotIcmpType is not null)
            {
                if ((rule.Protocol == IPProtocols.Icmp ? 4 : 6) != v) continue;
            }
            // A positive nets list with no entry of this version can never match this version.
            if (!rule.SrcNets.IsEmpty && !rule.SrcNets.Any(n => Version(n) == v)) continue;
            if (!rule.DstNets.IsEmpty && !rule.DstNets.Any(n => Version(n) == v)) continue;
            yield return v;
        }
    }

    /// <summary>Port alternatives: numeric ports (as one alternative) OR each named-port set; null = no port constraint.</summary>
    private static IEnumerable<string?> Alternatives(ValueList<PortRange> ports, ValueList<string> namedPortSets)
    {
        if (ports.IsEmpty && namedPortSets.IsEmpty)
        {
            yield return null;
            yield break;
        }
        if (!ports.IsEmpty) yield return "";
        foreach (var id in namedPortSets) yield return id;
    }

    /// <returns>The match expressions, "" for none, or null if this alternative can never match.</returns>
    private static string? Matches(Rule rule, int? family, string? srcAlternative, string? dstAlternative, IReadOnlyDictionary<string, IPSetState> ipSets)
    {
        var sb = new StringBuilder();
        var ip = family == 6 ? "ip6" : "ip";
        if (family is { } f) Append(sb, f == 4 ? "meta nfproto ipv4" : "meta nfproto ipv6");
        if (rule.Protocol is { } p) Append(sb, $"meta l4proto {p}");
        if (rule.NotProtocol is { } np) Append(sb, $"meta l4proto != {np}");

        if (family is { } fam)
        {
            if (!rule.SrcNets.IsEmpty) Append(sb, $"{ip} saddr {NetSet(rule.SrcNets, fam)}");
            if (NetsOf(rule.NotSrcNets, fam).Count > 0) Append(sb, $"{ip} saddr != {NetSet(rule.NotSrcNets, fam)}");
            if (!rule.DstNets.IsEmpty) Append(sb, $"{ip} daddr {NetSet(rule.DstNets, fam)}");
            if (NetsOf(rule.NotDstNets, fam).Count > 0) Append(sb, $"{ip} daddr != {NetSet(rule.NotDstNets, fam)}");
            foreach (var id in rule.SrcIPSetIds) Append(sb, $"{ip} saddr @{NftNames.IPSet(id, fam, false, ipSets[id].HasNetworks(fam))}");
            foreach (var id in rule.NotSrcIPSetIds) Append(sb, $"{ip} saddr != @{NftNames.IPSet(id, fam, false, ipSets[id].HasNetworks(fam))}");
            foreach (var id in rule.DstIPSetIds) Append(sb, $"{ip} daddr @{NftNames.IPSet(id, fam, false, ipSets[id].HasNetworks(fam))}");
            foreach (var id in rule.NotDstIPSetIds) Append(sb, $"{ip} daddr != @{NftNames.IPSet(id, fam, false, ipSets[id].HasNetworks(fam))}");
        }

        AppendPorts(sb, "sport", rule.SrcPorts, rule.NotSrcPorts, srcAlternative, rule.NotSrcNamedPortIPSetIds, family, ip, "saddr");
        AppendPorts(sb, "dport", rule.DstPorts, rule.NotDstPorts, dstAlternative, rule.NotDstNamedPortIPSetIds, family, ip, "daddr");

        var icmp = rule.Protocol == IPProtocols.IcmpV6 ? "icmpv6" : "icmp";
        if (rule.IcmpType is { } t) Append(sb, $"{icmp} type {t}");
        if (rule.IcmpCode is { } c) Append(sb, $"{icmp} code {c}");
        if (rule.NotIcmpType is { } nt)
        {
            // Calico: notICMP with a code excludes only that type/code pair.
            Append(sb, rule.NotIcmpCode is { } nc ? $"{icmp} type . {icmp} code != {{ {nt} . {nc} }}" : $"{icmp} type != {nt}");
        }
        return sb.ToString();
    }

    private static void AppendPorts(StringBuilder sb, string field, ValueList<PortRange> ports, ValueList<PortRange> notPorts,
        string? alternative, ValueList<string> notNamed, int? family, string ip, string addr)
    {
        if (alternative is { Length: 0 }) Append(sb, $"th {field} {PortSet(ports)}");
        else if (alternative is { } namedSet) Append(sb, $"{ip} {addr} . meta l4proto . th {field} @{NftNames.IPSet(namedSet, family!.Value, true)}");
        if (!notPorts.IsEmpty) Append(sb, $"th {field} != {PortSet(notPorts)}");
        foreach (var id in notNamed) Append(sb, $"{ip} {addr} . meta l4proto . th {field} != @{NftNames.IPSet(id, family!.Value, true)}");
    }

    private static void Append(StringBuilder sb, string expression)
    {
        if (sb.Length > 0) sb.Append(' ');
        sb.Append(expression);
    }

    private static string PortSet(ValueList<PortRange> ports) =>
        "{ " + string.Join(", ", ports.Distinct().OrderBy(p => p.First).ThenBy(p => p.Last).Select(p => p.ToString())) + " }";

    private static List<IPNetwork> NetsOf(ValueList<IPNetwork> nets, int family) => [.. nets.Where(n => Version(n) == family)];

    /// <summary>An anonymous set of the family's nets, with nets inside others left out (nft rejects overlapping intervals).</summary>
    private static string NetSet(ValueList<IPNetwork> nets, int family)
    {
        var normalized = NftElements.Normalize(NetsOf(nets, family));
        return "{ " + string.Join(", ", normalized.Select(n => n.ToString())) + " }";
    }

    public static int Version(IPNetwork net) => net.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 4 : 6;

    public static string Escape(string text) => text.Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal);
}
