using System.Net;
using System.Net.Sockets;
using Brindle.Bgp.Model;

namespace Brindle.Bgp.Config;

/// <summary>Renders a node's BIRD 2 configuration (Calico's confd role) from <see cref="BgpInput"/>.</summary>
/// <remarks>
/// Layout, per address family the node has an address for:
/// <code>
///  kernel (learn pool routes from the dataplane; install BGP routes + our block blackholes)
///     ^ brindle_kernel_vN()                      | import: pool routes only
///  master table  &lt;-- static brindle_blocksN (blackhole per affine block)
///     | brindle_export_vN()                      ^ brindle_import_vN(accept_default)
///  protocol bgp Mesh_… / Global_… / Node_…  (one per session, from BgpPeeringResolver)
/// </code>
/// Invariants: only pool routes cross BIRD in either direction (plus a default route from peers marked
/// <see cref="BgpPeerInput.AcceptDefaultRoute"/>); an affine block is announced as the aggregate, never its
/// more-specifics; pools with <c>disableBGPExport</c> are never announced; routes in VXLAN/IPIP pools are not
/// installed in the kernel (the dataplane programs those). Output is a pure, deterministic function of the input.
/// </remarks>
public static class BirdConfigRenderer
{
    /// <summary>Kernel metric of routes BIRD installs (they also carry <c>proto bird</c>).</summary>
    public const int KernelMetric = 32;
    public const int ScanTimeSeconds = 2;

    public static string Render(BgpInput input)
    {
        var errors = BgpInputValidator.Validate(input);
        if (errors.Count > 0) throw new BgpInputException(errors);

        var text = new BirdText();
        text.Line($"# BIRD 2 configuration for node {BirdText.Quote(input.Node.Name)}, rendered by Brindle. Do not edit: the agent rewrites it.");
        RenderGlobals(text, input);

        var families = Families(input.Node).ToList();
        foreach (var family in families) RenderFilters(text, input, family);

        text.Line();
        text.Line("# Interface routes, used only to resolve BGP next hops; never exported anywhere.");
        text.Block("protocol device", () => text.Line($"scan time {ScanTimeSeconds};"));
        text.Block("protocol direct", () =>
        {
            foreach (var family in families) text.Line($"{BirdProtocolNames.Family(family)} {{ import all; export none; }};");
            text.Line("interface -\"cali*\", -\"tap*\", \"*\";");
        });

        foreach (var family in families) RenderRouting(text, input, family);
        return text.ToString();
    }

    private static IEnumerable<AddressFamily> Families(BgpNodeInput node)
    {
        if (node.IPv4Address is not null) yield return AddressFamily.InterNetwork;
        if (node.IPv6Address is not null) yield return AddressFamily.InterNetworkV6;
    }

    private static string Suffix(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "v6" : "v4";

    private static string Digit(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "6" : "4";

    private static void RenderGlobals(BirdText text, BgpInput input)
    {
        var classes = input.Settings.LogSeverity switch
        {
            BgpLogSeverity.Debug => "all",
            BgpLogSeverity.Info => "{ info, remote, warning, error, auth, fatal, bug }",
            BgpLogSeverity.Warning => "{ warning, error, auth, fatal, bug }",
            BgpLogSeverity.Error => "{ error, auth, fatal, bug }",
            _ => "{ fatal, bug }",
        };
        text.Line($"log stderr {classes};");
        if (input.LogFile is { } file) text.Line($"log {BirdText.Quote(file)} {classes};");
        switch (input.Settings.LogSeverity)
        {
            case BgpLogSeverity.Debug: text.Line("debug protocols all;"); break;
            case BgpLogSeverity.Info: text.Line("debug protocols { states };"); break;
        }
        text.Line("timeformat protocol iso long;   # 'Since' with a date, for brindle node status");
        text.Line($"router id {input.Node.IPv4Address};");
    }

    private static void RenderFilters(BirdText text, BgpInput input, AddressFamily family)
    {
        var v = Suffix(family);
        var pools = input.Pools.Where(p => p.Cidr.BaseAddress.AddressFamily == family).OrderBy(p => p.Cidr.BaseAddress, AddressComparer.Instance).ThenBy(p => p.Cidr.PrefixLength).ToList();
        var blocks = input.AffinityBlocks.Where(b => b.BaseAddress.AddressFamily == family).Distinct().OrderBy(b => b.BaseAddress, AddressComparer.Instance).ToList();
        var borrowed = input.BorrowedAddresses.Where(b => b.BaseAddress.AddressFamily == family).Distinct().OrderBy(b => b.BaseAddress, AddressComparer.Instance).ToList();
        var defaultRoute = family == AddressFamily.InterNetworkV6 ? "::/0" : "0.0.0.0/0";

        text.Line();
        text.Line($"# ---- {(family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")} route filters ----");
        text.Line("# Is the route inside an IP pool? Nothing outside the pools is ever learned or announced.");
        text.Block($"function brindle_in_pools_{v}()", () =>
        {
            foreach (var pool in pools) text.Line($"if net ~ {pool.Cidr} then return true;");
            text.Line("return false;");
        });

        text.Line("# Routes accepted from BGP peers.");
        text.Block($"function brindle_import_{v}(bool accept_default)", () =>
        {
            text.Line($"if accept_default && net = {defaultRoute} then return true;   # downward default from a ToR");
            foreach (var block in blocks) text.Line($"if net = {block} then return false;   # our own block");
            text.Line($"return brindle_in_pools_{v}();");
        });

        text.Line("# Routes announced to BGP peers.");
        text.Block($"function brindle_export_{v}()", () =>
        {
            foreach (var pool in pools.Where(p => p.DisableBgpExport)) text.Line($"if net ~ {pool.Cidr} then return false;   # disableBGPExport");
            foreach (var block in blocks)
            {
                text.Line($"if net = {block} then return source = RTS_STATIC;   # affine block: the aggregate only");
                text.Line($"if net ~ {block} then return false;");
            }
            foreach (var address in borrowed) text.Line($"if net = {address} then return source = RTS_INHERIT;   # held outside our blocks");
            text.Line($"if source = RTS_BGP then return brindle_in_pools_{v}();   # reflected or passed on");
            text.Line("return false;");
        });

        text.Line("# Routes installed in the kernel: our block blackholes and what BGP learned.");
        text.Block($"function brindle_kernel_{v}()", () =>
        {
            text.Line("if source = RTS_STATIC then return true;");
            text.Line("if source != RTS_BGP then return false;");
            text.Line($"if net = {defaultRoute} then return true;");
            foreach (var pool in pools.Where(p => p.IsEncapsulated)) text.Line($"if net ~ {pool.Cidr} then return false;   # tunnel routes belong to the dataplane");
            text.Line($"return brindle_in_pools_{v}();");
        });
    }

    private static void RenderRouting(BirdText text, BgpInput input, AddressFamily family)
    {
        var v = Suffix(family);
        var channel = BirdProtocolNames.Family(family);
        var kernel = family == AddressFamily.InterNetworkV6 ? BirdProtocolNames.KernelV6 : BirdProtocolNames.KernelV4;
        var static_ = family == AddressFamily.InterNetworkV6 ? BirdProtocolNames.BlocksV6 : BirdProtocolNames.BlocksV4;
        var blocks = input.AffinityBlocks.Where(b => b.BaseAddress.AddressFamily == family).Distinct().OrderBy(b => b.BaseAddress, AddressComparer.Instance).ToList();
        var local = BgpPeeringResolver.AddressOf(input.Node, family)!;
        var localAs = BgpPeeringResolver.LocalAs(input);
        var settings = input.Settings;

        text.Line();
        text.Line($"# ---- {(family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")} routing ----");
        text.Block($"protocol kernel {kernel}", () =>
        {
            text.Line("learn;             # local workload routes from the dataplane");
            text.Line("persist;           # keep routes in the kernel while BIRD restarts");
            text.Line($"scan time {ScanTimeSeconds};");
            text.Line($"metric {KernelMetric};");
            text.Line("graceful restart;  # wait for BGP to converge before pruning stale kernel routes");
            text.Line("merge paths on;    # ECMP");
            text.Line($"{channel} {{ import where brindle_in_pools_{v}(); export where brindle_kernel_{v}(); }};");
        });

        if (blocks.Count > 0)
        {
            text.Line("# Blocks with affinity to this node. BIRD owns these blackholes: the aggregate is announced,");
            text.Line("# and the /32 (/128) routes to local workloads stay more specific in the kernel.");
            text.Block($"protocol static {static_}", () =>
            {
                text.Line($"{channel};");
                foreach (var block in blocks) text.Line($"route {block} blackhole;");
            });
        }
        else
        {
            text.Line("# No blocks with affinity to this node.");
        }

        var template = $"brindle_bgp_{v}";
        var port = settings.ListenPort is { } lp ? $" port {lp}" : "";
        text.Block($"template bgp {template}", () =>
        {
            text.Line($"local {local}{port} as {localAs};");
            text.Line("multihop;");
            text.Line(settings.GracefulRestart ? "graceful restart on;" : "graceful restart off;");
            text.Line("connect delay time 1;");
            text.Line("connect retry time 3;");
            text.Line("error wait time 5, 60;");
        });

        var peers = BgpPeeringResolver.Resolve(input, family);
        if (!settings.NodeToNodeMeshEnabled) text.Line("# Node-to-node mesh disabled.");
        else if (input.Node.IsRouteReflector) text.Line($"# This node is a route reflector (cluster ID {input.Node.RouteReflectorClusterId}); the mesh does not apply to it.");
        if (peers.Count == 0) text.Line("# No BGP peers.");
        foreach (var peer in peers) RenderPeer(text, peer, template, channel, v, localAs);
    }

    private static void RenderPeer(BirdText text, BirdPeer peer, string template, string channel, string v, uint localAs)
    {
        var external = peer.AsNumber != localAs;
        text.Block($"protocol bgp {peer.ProtocolName} from {template}", () =>
        {
            text.Line($"description {BirdText.Quote(peer.Origin)};");
            var port = peer.Port is { } p ? $" port {p}" : "";
            text.Line($"neighbor {peer.Address}{port} as {peer.AsNumber};{(external ? "   # eBGP" : "")}");
            if (peer.Passive) text.Line("passive on;   # one-directional mesh: the node with the higher address connects");
            if (peer.RouteReflectorClusterId is { } clusterId)
            {
                text.Line("rr client;");
                text.Line($"rr cluster id {clusterId};");
            }
            if (peer.Password is { } password) text.Line($"password {BirdText.Quote(password)};");
            if (peer.RestartTimeSeconds is { } restart) text.Line($"graceful restart time {restart};");
            text.Block(channel, () =>
            {
                text.Line("gateway recursive;");
                text.Line("add paths on;");
                text.Line($"import where brindle_import_{v}({(peer.AcceptDefaultRoute ? "true" : "false")});");
                text.Line($"export where brindle_export_{v}();");
                switch (peer.NextHopMode)
                {
                    case BgpNextHopMode.Self: text.Line("next hop self;"); break;
                    case BgpNextHopMode.Keep when external: text.Line("next hop keep;"); break;
                }
            }, ";");
        });
    }
}
