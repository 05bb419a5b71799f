using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Brindle.Dataplane.Routes;

/// <summary>Parses <c>ip -j route show proto N</c> (pure codec).</summary>
public static class IPRouteParser
{
    public static IEnumerable<KernelRoute> Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) yield break;
        using var document = JsonDocument.Parse(json);
        foreach (var route in document.RootElement.EnumerateArray())
        {
            var dst = route.GetProperty("dst").GetString()!;
            if (dst == "default") dst = "0.0.0.0/0";
            IPNetwork destination;
            if (dst.Contains('/')) destination = IPNetwork.Parse(dst);
            else
            {
                var address = IPAddress.Parse(dst);
                destination = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            }
            var blackhole = route.TryGetProperty("type", out var type) && type.GetString() == "blackhole";
            var device = route.TryGetProperty("dev", out var dev) ? dev.GetString() : null;
            var gateway = route.TryGetProperty("gateway", out var gw) ? IPAddress.Parse(gw.GetString()!) : null;
            yield return new KernelRoute(destination, gateway is null ? device : null, gateway, blackhole);
        }
    }
}
