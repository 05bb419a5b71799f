using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Brindle.Api;

/// <summary>
/// An IPv4 or IPv6 network in CIDR notation, parsed strictly: an address with host bits set
/// (<c>10.0.0.1/16</c>) is an error, whereas .NET's <see cref="IPNetwork.Parse(string)"/> silently masks them.
/// A bare address is accepted as a host network (<c>/32</c> or <c>/128</c>), as Calico's <c>nets</c> do;
/// <see cref="ToString"/> always prints the prefix length.
/// </summary>
public sealed record Cidr
{
    private Cidr(IPNetwork network) => Network = network;

    public IPNetwork Network { get; }

    public IPAddress Address => Network.BaseAddress;

    public int PrefixLength => Network.PrefixLength;

    public bool IsIPv4 => Address.AddressFamily == AddressFamily.InterNetwork;

    public bool IsIPv6 => !IsIPv4;

    /// <summary>4 or 6.</summary>
    public int IPVersion => IsIPv4 ? 4 : 6;

    /// <summary>Address bits of the family: 32 or 128.</summary>
    public int MaxPrefixLength => IsIPv4 ? 32 : 128;

    public bool Contains(IPAddress address) => Network.Contains(address);

    /// <summary>True if the two networks share at least one address (one contains the other).</summary>
    public bool Overlaps(Cidr other) =>
        IsIPv4 == other.IsIPv4 && (Network.Contains(other.Address) || other.Network.Contains(Address));

    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out Cidr? cidr) => TryParse(text, out cidr, out _);

    public static bool TryParse(string? text, [NotNullWhen(true)] out Cidr? cidr, [NotNullWhen(false)] out string? error)
    {
        cidr = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "empty CIDR";
            return false;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddressText.TryParse(addressText, out var address))
        {
            error = $"invalid CIDR '{text}': '{addressText}' is not an IP address";
            return false;
        }
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = max;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit)
                || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)
            {
                error = $"invalid CIDR '{text}': prefix length must be 0-{max}";
                return false;
            }
        }
        var network = new IPNetwork(Mask(address, prefix), prefix);
        if (!network.BaseAddress.Equals(address))
        {
            error = $"invalid CIDR '{text}': host bits are set (the network is {network})";
            return false;
        }
        cidr = new Cidr(network);
        error = null;
        return true;
    }

    /// <summary>The network containing <paramref name="address"/> (host bits cleared), for lenient conversions.</summary>
    internal static Cidr Containing(IPAddress address, int prefix) => new(new IPNetwork(Mask(address, prefix), prefix));

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bitsInByte = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsInByte));
        }
        return new IPAddress(bytes);
    }

    public override string ToString() => Network.ToString();
}

/// <summary>Strict textual IP address parsing (no "1" meaning 0.0.0.1, no zone indices).</summary>
public static class IPAddressText
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text) || text.Contains('%', StringComparison.Ordinal)) return false;
        if (!text.Contains(':', StringComparison.Ordinal))
        {
            var parts = text.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit))) return false;
        }
        return IPAddress.TryParse(text, out address);
    }
}
