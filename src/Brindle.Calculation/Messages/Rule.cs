using System.Net;

namespace Brindle.Calculation.Messages;

/// <summary>What a rule does when every one of its match criteria holds.</summary>
public enum RuleAction
{
    /// <summary>Accept: final for this endpoint and direction (later tiers and profiles are not consulted).</summary>
    Allow,

    /// <summary>Drop: final.</summary>
    Deny,

    /// <summary>Stop evaluating this tier; continue with the next tier, or the profiles after the last.</summary>
    Pass,

    /// <summary>Log the packet and continue with the next rule (no verdict).</summary>
    Log,
}

/// <summary>An inclusive port range; a single port has <c>First == Last</c>.</summary>
public readonly record struct PortRange(int First, int Last)
{
    public static PortRange Single(int port) => new(port, port);

    public override string ToString() => First == Last ? $"{First}" : $"{First}-{Last}";
}

/// <summary>IANA protocol numbers the calculation graph uses for the names Calico accepts.</summary>
public static class IPProtocols
{
    public const int Icmp = 1;
    public const int Tcp = 6;
    public const int Udp = 17;
    public const int IcmpV6 = 58;
    public const int Sctp = 132;
    public const int UdpLite = 136;

    /// <summary>Number for a Calico protocol name (<c>TCP</c>, <c>UDP</c>, <c>ICMP</c>, <c>ICMPv6</c>, <c>SCTP</c>, <c>UDPLite</c>, any case) or a decimal number; null if unknown.</summary>
    public static int? Parse(string nameOrNumber) => nameOrNumber.ToUpperInvariant() switch
    {
        "TCP" => Tcp,
        "UDP" => Udp,
        "ICMP" => Icmp,
        "ICMPV6" => IcmpV6,
        "SCTP" => Sctp,
        "UDPLITE" => UdpLite,
        var s when int.TryParse(s, out var n) && n is >= 0 and <= 255 => n,
        _ => null,
    };
}

/// <summary>
/// One policy or profile rule in dataplane form. Every present criterion must hold (logical AND); an empty list
/// means "no constraint". "Src" is the client side of the connection and "Dst" the server side, in both
/// directions. Within one list: nets and ports match if ANY entry matches (the <c>Not…</c> lists: if NONE does);
/// IP set id lists match if the address is in ALL listed sets (the <c>Not…</c> lists: in NONE of them).
/// </summary>
/// <remarks>
/// The calculation graph turns <c>selector</c> (combined with the namespace scoping of policy-semantics §11) into
/// one IP set id, <c>notSelector</c> into a <c>Not…IPSetIds</c> entry, <c>nets</c> into nets. Named ports become
/// named-port IP sets whose members carry protocol and port (see <see cref="IPSetMember"/>).
/// </remarks>
public sealed record Rule(RuleAction Action)
{
    /// <summary>4 or 6 to restrict the rule to one IP version; null for both.</summary>
    public int? IPVersion { get; init; }

    /// <summary>IANA protocol number (see <see cref="IPProtocols"/>).</summary>
    public int? Protocol { get; init; }

    public int? NotProtocol { get; init; }

    public ValueList<IPNetwork> SrcNets { get; init; }

    public ValueList<IPNetwork> NotSrcNets { get; init; }

    public ValueList<IPNetwork> DstNets { get; init; }

    public ValueList<IPNetwork> NotDstNets { get; init; }

    public ValueList<string> SrcIPSetIds { get; init; }

    public ValueList<string> NotSrcIPSetIds { get; init; }

    public ValueList<string> DstIPSetIds { get; init; }

    public ValueList<string> NotDstIPSetIds { get; init; }

    /// <summary>Ports need <see cref="Protocol"/> TCP, UDP, SCTP or UDPLite.</summary>
    public ValueList<PortRange> SrcPorts { get; init; }

    public ValueList<PortRange> NotSrcPorts { get; init; }

    public ValueList<PortRange> DstPorts { get; init; }

    public ValueList<PortRange> NotDstPorts { get; init; }

    /// <summary>Named-port sets (members with protocol and port) the source address and port must be in (any of them).</summary>
    public ValueList<string> SrcNamedPortIPSetIds { get; init; }

    public ValueList<string> NotSrcNamedPortIPSetIds { get; init; }

    /// <summary>Named-port sets the destination address and port must be in (any of them; combined with <see cref="DstPorts"/> by OR, as Calico does).</summary>
    public ValueList<string> DstNamedPortIPSetIds { get; init; }

    public ValueList<string> NotDstNamedPortIPSetIds { get; init; }

    /// <summary>ICMP (or ICMPv6, by protocol) type; needs <see cref="Protocol"/> ICMP or ICMPv6.</summary>
    public int? IcmpType { get; init; }

    /// <summary>ICMP code; needs <see cref="IcmpType"/>.</summary>
    public int? IcmpCode { get; init; }

    public int? NotIcmpType { get; init; }

    public int? NotIcmpCode { get; init; }

    /// <summary>Stable identifier of the rule inside its policy (for logs and traces); optional.</summary>
    public string? RuleId { get; init; }

    /// <summary>Prefix for <see cref="RuleAction.Log"/> rules; null uses the configured default.</summary>
    public string? LogPrefix { get; init; }
}
