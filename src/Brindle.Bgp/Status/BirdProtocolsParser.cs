using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Brindle.Bgp.Config;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Status;

/// <summary>Parses <c>birdc show protocols all</c> into <see cref="BgpPeerStatus"/> for the BGP protocols Brindle named.</summary>
/// <remarks>
/// Each protocol is a summary line (<c>Name Proto Table State Since Info</c>, where Since may be <c>YYYY-MM-DD HH:MM:SS</c>
/// with <c>timeformat protocol iso long</c>) followed by indented detail lines. Protocols that are not BGP, or whose
/// names Brindle did not render (see <see cref="BirdProtocolNames"/>), are skipped. Unknown lines are ignored, so a
/// newer BIRD that prints more keeps parsing. Pure.
/// </remarks>
public static partial class BirdProtocolsParser
{
    [GeneratedRegex(@"^(?<name>\S+)\s+(?<proto>\S+)\s+(?<table>\S+)\s+(?<state>\S+)\s+(?<since>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?|\S+)\s*(?<info>.*)$")]
    private static partial Regex SummaryLine();

    public static IReadOnlyList<BgpPeerStatus> Parse(string output)
    {
        var result = new List<BgpPeerStatus>();
        Builder? current = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                if (current?.Build() is { } done) result.Add(done);
                current = null;
                var m = SummaryLine().Match(line);
                if (!m.Success || m.Groups["proto"].Value != "BGP") continue;
                var name = m.Groups["name"].Value;
                if (BirdProtocolNames.TypeOf(name) is not { } type) continue;
                current = new Builder(name, type, m.Groups["state"].Value, m.Groups["since"].Value, CollapseSpaces(m.Groups["info"].Value));
                continue;
            }
            if (current is null) continue;
            var (key, value) = Split(line);
            switch (key)
            {
                case "BGP state": current.BgpState = value; break;
                case "Neighbor address": current.Address = IPAddress.TryParse(value, out var a) ? a : null; break;
                case "Neighbor AS": current.NeighborAs = ParseAs(value); break;
                case "Local AS": current.LocalAs = ParseAs(value); break;
                case "Last error": current.LastError = value; break;
            }
        }
        if (current?.Build() is { } last) result.Add(last);
        return result;
    }

    private static string CollapseSpaces(string text) => string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static (string Key, string Value) Split(string line)
    {
        var trimmed = line.Trim();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (trimmed, "") : (trimmed[..colon], trimmed[(colon + 1)..].Trim());
    }

    /// <summary>Plain <c>show protocols</c> has no address line; IPv4 names carry it (<c>Mesh_10_0_0_2_port_1790</c>).</summary>
    private static IPAddress? AddressFromName(string name)
    {
        var id = name[(name.IndexOf('_', StringComparison.Ordinal) + 1)..];
        var port = id.IndexOf("_port_", StringComparison.Ordinal);
        if (port >= 0) id = id[..port];
        return id.Count(c => c == '_') == 3 && IPAddress.TryParse(id.Replace('_', '.'), out var a) ? a : null;
    }

    private static uint? ParseAs(string value) => uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private sealed class Builder(string name, BgpPeerType type, string state, string since, string info)
    {
        public string? BgpState { get; set; }
        public IPAddress? Address { get; set; }
        public uint? NeighborAs { get; set; }
        public uint? LocalAs { get; set; }
        public string? LastError { get; set; }

        public BgpPeerStatus Build()
        {
            // The info column starts with the BGP state ("Established", "Active  Socket: …") when details are absent.
            var bgpState = BgpState ?? info.Split(' ', 2)[0];
            return new BgpPeerStatus(name, Address ?? AddressFromName(name), type, state, bgpState, since, info, LastError, NeighborAs, LocalAs);
        }
    }
}
