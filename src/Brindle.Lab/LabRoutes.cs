using System.Net;
using System.Text.Json;

namespace Brindle.Lab;

/// <summary>Reads <c>ip -j route show</c> (pure): the usable routes, without the default route and blackholes.</summary>
public static class LabRoutes
{
    public static IReadOnlyList<IPNetwork> Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        using var document = JsonDocument.Parse(json);
        var routes = new List<IPNetwork>();
        foreach (var route in document.RootElement.EnumerateArray())
        {
            var dst = route.TryGetProperty("dst", out var d) ? d.GetString() : null;
            var type = route.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (dst is null or "default" || type is "blackhole" or "unreachable" or "prohibit") continue;
            if (IPNetwork.TryParse(dst.Contains('/', StringComparison.Ordinal) ? dst : dst + (dst.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out var network))
                routes.Add(network);
        }
        return routes;
    }

    public static bool Covers(IReadOnlyList<IPNetwork> routes, IPAddress address) => routes.Any(r => r.Contains(address));
}
