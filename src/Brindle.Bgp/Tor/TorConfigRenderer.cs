using System.Net.Sockets;
using Brindle.Bgp.Config;

namespace Brindle.Bgp.Tor;

/// <summary>Renders BIRD 2 configuration for a <see cref="TorRouter"/>.</summary>
/// <remarks>
/// The ToR imports everything its neighbors send (so a test can check that hosts leak nothing but pool routes),
/// installs BGP routes in its kernel so it forwards between racks, and announces with <c>next hop self</c> to
/// hosts (it is their router). Hosts in the ToR's own AS are route-reflector clients (AS per rack); hosts in
/// other AS numbers are plain eBGP (AS per server). In downward-default mode hosts get only 0.0.0.0/0, which
/// the ToR originates as a blackhole in BIRD's table (unknown destinations die at the top, as in the seeds).
/// </remarks>
public static class TorConfigRenderer
{
    public static string Render(TorRouter tor)
    {
        if (tor.Address.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"ToR '{tor.Name}': address {tor.Address} must be IPv4 (router id)", nameof(tor));

        var text = new BirdText();
        text.Line($"# BIRD 2 configuration for top-of-rack router {BirdText.Quote(tor.Name)}, rendered by Brindle.");
        text.Line("log stderr { info, remote, warning, error, auth, fatal, bug };");
        if (tor.LogFile is { } log) text.Line($"log {BirdText.Quote(log)} all;");
        text.Line("timeformat protocol iso long;");
        text.Line($"router id {tor.Address};");
        text.Line();
        text.Block("protocol device", () => text.Line("scan time 2;"));
        text.Block("protocol direct", () =>
        {
            text.Line("ipv4 { import all; export none; };");
            text.Line("interface \"*\";");
        });
        text.Block("protocol kernel tor_kernel4", () =>
        {
            text.Line("scan time 2;");
            text.Line("ipv4 { import none; export where source = RTS_BGP; };");
        });
        if (tor.DownwardDefaultOnly)
        {
            text.Block("protocol static tor_default4", () =>
            {
                text.Line("ipv4;");
                text.Line("route 0.0.0.0/0 blackhole;   # the downward default; unknown destinations stop here");
            });
        }
        text.Line("# Towards hosts: everything learned, or only the default route.");
        text.Block("function tor_export_down()", () =>
        {
            if (tor.DownwardDefaultOnly) text.Line("return net = 0.0.0.0/0 && source = RTS_STATIC;");
            else text.Line("return source = RTS_BGP;");
        });

        var port = tor.ListenPort is { } lp ? $" port {lp}" : "";
        foreach (var neighbor in tor.Neighbors.OrderBy(n => n.Address, AddressComparer.Instance))
        {
            var name = "tor_" + neighbor.Address.ToString().Replace('.', '_');
            var internalPeer = neighbor.AsNumber == tor.AsNumber;
            text.Block($"protocol bgp {name}", () =>
            {
                text.Line($"description {BirdText.Quote(neighbor.Name)};");
                text.Line($"local {tor.Address}{port} as {tor.AsNumber};");
                var peerPort = neighbor.Port is { } p ? $" port {p}" : "";
                text.Line($"neighbor {neighbor.Address}{peerPort} as {neighbor.AsNumber};");
                text.Line("multihop;");
                text.Line("connect delay time 1;");
                text.Line("connect retry time 3;");
                text.Line("error wait time 5, 60;");
                if (internalPeer && neighbor.Role == TorNeighborRole.Host) text.Line("rr client;");
                if (neighbor.Password is { } pw) text.Line($"password {BirdText.Quote(pw)};");
                text.Block("ipv4", () =>
                {
                    text.Line("gateway recursive;");
                    text.Line("import all;");
                    if (neighbor.Role == TorNeighborRole.Host)
                    {
                        text.Line("export where tor_export_down();");
                        text.Line("next hop self;");
                    }
                    else
                    {
                        text.Line("export where source = RTS_BGP;");
                    }
                }, ";");
            });
        }
        return text.ToString();
    }
}
