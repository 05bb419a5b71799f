using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Brindle.Api;

/// <summary>
/// Format checks shared by the validators, each returning null when valid or the reason otherwise.
/// Patterns are Kubernetes' and Calico's (libcalico-go/lib/validator/v3).
/// </summary>
internal static partial class Formats
{
    public const int MaxSubdomainLength = 253;
    public const int MaxLabelLength = 63;
    public const long MaxAsNumber = uint.MaxValue;
    public const int MaxPort = 65535;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex PortName();

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,15}$")]
    private static partial Regex InterfaceName();

    [GeneratedRegex("^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")]
    private static partial Regex ContainerId();

    [GeneratedRegex(@"^(\d+):(\d+)(:(\d+))?$")]
    private static partial Regex CommunityValue();

    public static string? ResourceName(string name)
    {
        if (name.Length == 0) return "name is required";
        if (name.Length > MaxSubdomainLength) return $"name is longer than {MaxSubdomainLength} characters";
        return Subdomain().IsMatch(name) ? null : $"name '{name}' must consist of lower case alphanumeric characters, '-' or '.', and start and end with an alphanumeric character";
    }

    public static string? Label(string value, string what)
    {
        if (value.Length == 0) return $"{what} is required";
        if (value.Length > MaxLabelLength) return $"{what} is longer than {MaxLabelLength} characters";
        return DnsLabel().IsMatch(value) ? null : $"{what} '{value}' must consist of lower case alphanumeric characters or '-', and start and end with an alphanumeric character";
    }

    /// <summary>Kubernetes qualified name: optional DNS-subdomain prefix and '/', then a name of up to 63 characters.</summary>
    public static string? QualifiedName(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > MaxSubdomainLength || !Subdomain().IsMatch(prefix))
            {
                return $"key '{key}' has an invalid prefix (must be a DNS subdomain)";
            }
        }
        if (name.Length is 0 or > MaxLabelLength || !QualifiedNamePart().IsMatch(name))
        {
            return $"key '{key}' is not a valid qualified name (up to 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)";
        }
        return null;
    }

    public static string? LabelValue(string value)
    {
        if (value.Length == 0) return null;
        if (value.Length > MaxLabelLength || !QualifiedNamePart().IsMatch(value))
        {
            return $"value '{value}' is not a valid label value (up to 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)";
        }
        return null;
    }

    /// <summary>IANA service name, as Kubernetes validates named ports: up to 15 characters with at least one letter.</summary>
    public static string? NamedPort(string name)
    {
        if (name.Length is 0 or > 15 || !PortName().IsMatch(name) || name.Contains("--", StringComparison.Ordinal) || !name.Any(char.IsAsciiLetter))
        {
            return $"'{name}' is not a valid port: use a number 1-{MaxPort}, a range 'min:max' or a port name (up to 15 lower-case alphanumerics or '-', with a letter)";
        }
        return null;
    }

    public static string? PortNumber(long port) =>
        port is < 1 or > MaxPort ? $"port {port} out of range 1-{MaxPort}" : null;

    public static string? Port(Port port)
    {
        if (port.IsNamed) return NamedPort(port.Name!);
        return PortNumber(port.MinPort)
            ?? PortNumber(port.MaxPort)
            ?? (port.MinPort > port.MaxPort ? $"port range {port} is reversed (min must not exceed max)" : null);
    }

    public static string? AsNumber(long value) =>
        value is < 0 or > MaxAsNumber ? $"AS number {value} out of range 0-{MaxAsNumber}" : null;

    public static string? IPAddress(string text, int? version = null)
    {
        if (!IPAddressText.TryParse(text, out var address)) return $"'{text}' is not an IP address";
        var actual = address.AddressFamily == AddressFamily.InterNetwork ? 4 : 6;
        return version is not null && actual != version ? $"'{text}' is not an IPv{version} address" : null;
    }

    /// <summary>An address with a prefix length; host bits allowed (an interface address such as 10.0.0.5/24).</summary>
    public static string? InterfaceAddress(string text, int version)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var max = version == 4 ? 32 : 128;
        if (IPAddress(slash < 0 ? text : text[..slash], version) is { } error) return error;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > max))
        {
            return $"'{text}' has an invalid prefix length (0-{max})";
        }
        return null;
    }

    /// <summary>BGPPeer peerIP: "IP", "IPv4:port" or "[IPv6]:port".</summary>
    public static string? IPWithOptionalPort(string text)
    {
        var host = text;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0) return $"'{text}' is not an IP address, IPv4:port or [IPv6]:port";
            host = text[1..close];
            portText = text[(close + 2)..];
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            portText = text[(colon + 1)..];
        }
        if (IPAddress(host) is not null) return $"'{text}' is not an IP address, IPv4:port or [IPv6]:port";
        if (portText is not null && (!long.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || PortNumber(port) is not null))
        {
            return $"'{text}' has an invalid port (1-{MaxPort})";
        }
        return null;
    }

    public static string? Interface(string name) =>
        name == "*" || InterfaceName().IsMatch(name) ? null : $"'{name}' is not a valid interface name (up to 15 of a-z, A-Z, 0-9, '_', '.', '-')";

    public static string? ContainerIdentifier(string id) =>
        ContainerId().IsMatch(id) ? null : $"'{id}' is not a valid container ID";

    public static string? Mac(string text)
    {
        var normalized = text.Replace(':', '-');
        return text.Length == 17 && PhysicalAddress.TryParse(normalized, out _) ? null : $"'{text}' is not a MAC address";
    }

    public static string? Community(string value)
    {
        var match = CommunityValue().Match(value);
        if (!match.Success) return $"'{value}' is not a BGP community (aa:nn or aa:nn:mm)";
        var large = match.Groups[3].Success;
        var max = large ? uint.MaxValue : ushort.MaxValue;
        var parts = large ? new[] { match.Groups[1], match.Groups[2], match.Groups[4] } : [match.Groups[1], match.Groups[2]];
        return parts.All(p => ulong.TryParse(p.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max)
            ? null
            : $"'{value}' has a part larger than {(large ? 32 : 16)} bits";
    }
}
