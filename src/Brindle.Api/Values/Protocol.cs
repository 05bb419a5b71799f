using System.Globalization;

namespace Brindle.Api;

/// <summary>
/// An IP protocol as Calico writes it: one of the names TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite, or a
/// number 1-255. Construction is lenient; <see cref="ResourceValidator"/> rejects unknown names.
/// </summary>
public sealed record Protocol
{
    public static readonly Protocol Tcp = new("TCP", 6);
    public static readonly Protocol Udp = new("UDP", 17);
    public static readonly Protocol Icmp = new("ICMP", 1);
    public static readonly Protocol IcmpV6 = new("ICMPv6", 58);
    public static readonly Protocol Sctp = new("SCTP", 132);
    public static readonly Protocol UdpLite = new("UDPLite", 136);

    private static readonly Protocol[] Named = [Tcp, Udp, Icmp, IcmpV6, Sctp, UdpLite];

    private Protocol(string? name, long? number)
    {
        Name = name;
        NumberValue = number;
    }

    /// <summary>The name as written (TCP, ...), or null if the protocol was given as a number.</summary>
    public string? Name { get; }

    /// <summary>The IANA protocol number, or null if the name is unknown.</summary>
    public long? NumberValue { get; }

    /// <summary>The Calico names, in the spelling Calico's v3 API uses.</summary>
    public static IReadOnlyList<string> KnownNames { get; } = [.. Named.Select(p => p.Name!)];

    public bool IsKnownName => Name is not null && NumberValue is not null;

    /// <summary>TCP, UDP and SCTP carry ports; Calico allows <c>ports</c> only with these.</summary>
    public bool SupportsPorts => NumberValue is 6 or 17 or 132;

    /// <summary>ICMP or ICMPv6; Calico allows <c>icmp</c>/<c>notICMP</c> only with these.</summary>
    public bool IsIcmp => NumberValue is 1 or 58;

    public static Protocol FromNumber(long number) =>
        Named.FirstOrDefault(p => p.NumberValue == number) is { } known ? new Protocol(null, known.NumberValue) : new Protocol(null, number);

    /// <summary>Parses a name (exact v3 spelling) or a decimal number; unknown names are kept for the validator.</summary>
    public static Protocol Parse(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return FromNumber(number);
        return Named.FirstOrDefault(p => string.Equals(p.Name, text, StringComparison.Ordinal)) ?? new Protocol(text, null);
    }

    public override string ToString() => Name ?? NumberValue?.ToString(CultureInfo.InvariantCulture) ?? "";
}
