using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Brindle.Policy;

/// <summary>One side of a connection: an address, and the endpoint that owns it (null for an external peer).</summary>
public sealed record PolicyPeer(IPAddress Address, PolicyModel.Entity? Endpoint)
{
    public bool IsExternal => Endpoint is null;

    public override string ToString() => Endpoint is null ? Address.ToString() : $"{Endpoint.Id} ({Address})";
}

/// <summary>A new connection from <see cref="Source"/> (the client) to <see cref="Destination"/> (the server).</summary>
/// <param name="Protocol">IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 132 SCTP).</param>
/// <param name="SourcePort">Usually unknown (ephemeral): then rules with source <c>ports</c> do not match and rules with source <c>notPorts</c> do.</param>
public sealed record PolicyConnection(
    PolicyPeer Source,
    PolicyPeer Destination,
    int Protocol,
    int? DestinationPort = null,
    int? IcmpType = null,
    int? IcmpCode = null,
    int? SourcePort = null)
{
    public int IpVersion => Source.Address.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4;

    public override string ToString() =>
        $"{Source} -> {Destination} {ProtocolNames.Format(Protocol)}" +
        (DestinationPort is { } p ? $"/{p}" : "") +
        (IcmpType is { } t ? $" type {t}" + (IcmpCode is { } c ? $" code {c}" : "") : "");
}

/// <summary>Calico's protocol names and numbers.</summary>
public static class ProtocolNames
{
    private static readonly (string Name, int Number)[] Known =
        [("TCP", 6), ("UDP", 17), ("ICMP", 1), ("ICMPv6", 58), ("SCTP", 132), ("UDPLite", 136)];

    public static string Format(int number) =>
        Known.FirstOrDefault(k => k.Number == number).Name ?? number.ToString(CultureInfo.InvariantCulture);

    /// <summary>A Calico protocol name (case-insensitive here, for probes) or a number 1-255.</summary>
    public static bool TryParse(string text, out int number)
    {
        foreach (var (name, n) in Known)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                number = n;
                return true;
            }
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is >= 1 and <= 255;
    }

    public static bool HasPorts(int number) => number is 6 or 17 or 132 or 136;
}
