using System.Net;

namespace Brindle.Dataplane.Routes;

/// <summary>A route Brindle owns (protocol <see cref="RouteDataplane.RouteProtocol"/>): to a device, via a gateway, or a blackhole.</summary>
public sealed record KernelRoute(IPNetwork Destination, string? Device, IPAddress? Gateway, bool Blackhole)
{
    /// <summary>The <c>ip -batch</c> line that installs this route.</summary>
    public string ReplaceCommand()
    {
        if (Blackhole) return $"route replace blackhole {Destination} proto {RouteDataplane.RouteProtocol}";
        if (Gateway is not null) return $"route replace {Destination} via {Gateway} proto {RouteDataplane.RouteProtocol}";
        return $"route replace {Destination} dev {Device} proto {RouteDataplane.RouteProtocol} scope link";
    }

    public string DeleteCommand() => $"route del {Destination} proto {RouteDataplane.RouteProtocol}";
}
