using System.Net;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;

namespace Brindle.Dataplane.Routes;

/// <summary>
/// Desired routes, neighbour entries and sysctls from the model (pure): a /32 (/128) per local workload address
/// to its interface, <see cref="RouteUpdate"/>s for blocks (blackhole for this host's, via a gateway for others'),
/// a permanent neighbour entry per workload with a MAC, and forwarding + proxy ARP for every workload interface.
/// </summary>
public static class RouteRenderer
{
    public static Dictionary<IPNetwork, KernelRoute> Routes(DataplaneModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var routes = new Dictionary<IPNetwork, KernelRoute>();
        foreach (var route in model.Routes.Values)
        {
            switch (route.Type)
            {
                case RouteType.Blackhole:
                    routes[route.Destination] = new KernelRoute(route.Destination, null, null, true);
                    break;
                case RouteType.RemoteBlock when route.Gateway is not null:
                    routes[route.Destination] = new KernelRoute(route.Destination, null, route.Gateway, false);
                    break;
                case RouteType.LocalWorkload when route.InterfaceName is not null:
                    routes[route.Destination] = new KernelRoute(route.Destination, route.InterfaceName, null, false);
                    break;
            }
        }
        // Workload routes last: a workload's /32 always wins over a route message for the same destination.
        foreach (var endpoint in model.WorkloadEndpoints.Values)
        {
            foreach (var net in endpoint.IPv4Nets.Concat(model.Config.IPv6Support ? endpoint.IPv6Nets : []))
            {
                routes[net] = new KernelRoute(net, endpoint.InterfaceName, null, false);
            }
        }
        return routes;
    }

    /// <summary><c>ip -batch</c> lines for permanent neighbour entries of workloads with a known MAC.</summary>
    public static IEnumerable<string> Neighbours(DataplaneModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var endpoint in model.WorkloadEndpoints.Values.Where(e => e.Mac is not null))
        {
            foreach (var net in endpoint.IPv4Nets)
            {
                yield return $"neigh replace {net.BaseAddress} lladdr {endpoint.Mac} dev {endpoint.InterfaceName} nud permanent";
            }
        }
    }

    /// <summary>Global forwarding, then per workload interface: proxy ARP, no proxy delay, forwarding.</summary>
    public static List<KeyValuePair<string, string>> Sysctls(DataplaneModel model, IEnumerable<string> interfaces)
    {
        ArgumentNullException.ThrowIfNull(model);
        var settings = new List<KeyValuePair<string, string>> { new("net.ipv4.ip_forward", "1") };
        if (model.Config.IPv6Support) settings.Add(new("net.ipv6.conf.all.forwarding", "1"));
        foreach (var name in interfaces.Select(i => i.Replace('.', '/')))   // sysctl's spelling of a dot inside a key component
        {
            settings.Add(new($"net.ipv4.conf.{name}.proxy_arp", "1"));
            settings.Add(new($"net.ipv4.neigh.{name}.proxy_delay", "0"));
            settings.Add(new($"net.ipv4.conf.{name}.forwarding", "1"));
            if (model.Config.IPv6Support) settings.Add(new($"net.ipv6.conf.{name}.forwarding", "1"));
        }
        return settings;
    }
}
