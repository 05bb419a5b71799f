using System.Globalization;
using System.Net;
using Brindle.Api;
using Brindle.Calculation.Messages;

namespace Brindle.Calculation;

/// <summary>
/// Resolves this host's dataplane configuration from FelixConfiguration <c>default</c> and <c>node.&lt;name&gt;</c>
/// (the per-node resource wins field by field, as in Calico), over Calico's built-in defaults (<see cref="ConfigUpdate.Default"/>).
/// </summary>
/// <remarks>
/// A field whose value cannot be understood (a bad duration, an unknown protocol) keeps the value from the layer below;
/// validation at the datastore boundary reports such values. Invariant: output depends only on the two current resources.
/// </remarks>
internal static class ConfigResolver
{
    public static ConfigUpdate Resolve(FelixConfigurationSpec? global, FelixConfigurationSpec? node)
    {
        var config = ConfigUpdate.Default;
        foreach (var spec in new[] { global, node })
        {
            if (spec is not null) config = Apply(config, spec);
        }
        return config;
    }

    private static ConfigUpdate Apply(ConfigUpdate config, FelixConfigurationSpec spec)
    {
        if (!spec.FailsafeInboundHostPorts.IsEmpty && Failsafe(spec.FailsafeInboundHostPorts) is { } inbound)
        {
            config = config with { FailsafeInboundHostPorts = inbound };
        }
        if (!spec.FailsafeOutboundHostPorts.IsEmpty && Failsafe(spec.FailsafeOutboundHostPorts) is { } outbound)
        {
            config = config with { FailsafeOutboundHostPorts = outbound };
        }
        // Calico's Return hands the packet on to the host's own INPUT rules, which for Brindle's table means accept.
        config = spec.DefaultEndpointToHostAction?.ToUpperInvariant() switch
        {
            "DROP" => config with { EndpointToHostAction = EndpointToHostAction.Drop },
            "ACCEPT" or "RETURN" => config with { EndpointToHostAction = EndpointToHostAction.Accept },
            _ => config,
        };
        if (!string.IsNullOrWhiteSpace(spec.InterfacePrefix))
        {
            config = config with
            {
                WorkloadInterfacePrefixes = new(spec.InterfacePrefix.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            };
        }
        if (!string.IsNullOrEmpty(spec.LogPrefix)) config = config with { LogPrefix = spec.LogPrefix };
        if (spec.IPv6Support is { } ipv6) config = config with { IPv6Support = ipv6 };
        var refresh = spec.NftablesRefreshInterval ?? spec.IptablesRefreshInterval ?? spec.RouteRefreshInterval;
        if (refresh is not null && TryParseDuration(refresh, out var interval)) config = config with { ResyncInterval = interval };
        return config;
    }

    private static ValueList<FailsafePort>? Failsafe(EquatableArray<ProtoPort> ports)
    {
        var result = new List<FailsafePort>(ports.Count);
        foreach (var port in ports)
        {
            var protocol = IPProtocols.Parse(port.Protocol ?? "tcp");
            if (protocol is null || port.Port is < 0 or > 65535) return null;
            IPNetwork? net = null;
            if (!string.IsNullOrEmpty(port.Net))
            {
                if (!Cidr.TryParse(port.Net, out var cidr)) return null;
                net = cidr.Network;
            }
            result.Add(new FailsafePort(protocol.Value, (int)port.Port, net));
        }
        return new(result);
    }

    /// <summary>Parses a Go duration (<c>90s</c>, <c>1m30s</c>, <c>500ms</c>, <c>1h</c>, <c>0</c>).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0") return true;
        var i = 0;
        var any = false;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return false;
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.') i++;
            var scale = text[unitStart..i] switch
            {
                "h" => TimeSpan.FromHours(1),
                "m" => TimeSpan.FromMinutes(1),
                "s" => TimeSpan.FromSeconds(1),
                "ms" => TimeSpan.FromMilliseconds(1),
                "us" or "µs" => TimeSpan.FromMicroseconds(1),
                "ns" => TimeSpan.FromTicks(0),
                _ => (TimeSpan?)null,
            };
            if (scale is null) return false;
            duration += scale.Value * value;
            any = true;
        }
        return any;
    }
}
