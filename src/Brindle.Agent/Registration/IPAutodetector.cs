using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Brindle.Agent.Registration;

/// <summary>Outcome of autodetection: the chosen address, or an error that lists the candidates and how to choose.</summary>
public sealed record AutodetectionResult(InterfaceAddress? Address, string? InterfaceName, string? Error)
{
    public bool Succeeded => Address is not null;
}

/// <summary>
/// Picks this node's address for one family, as Calico's IP autodetection does, with one deliberate difference:
/// it never guesses. Interfaces that cannot be a node's uplink are excluded (loopback, bridges, veths, Brindle's own
/// <c>cali*</c>/<c>tap*</c> workload interfaces, container and tunnel devices); if more than one interface remains for
/// <c>first-found</c>, it stops with an error naming every candidate and the flags that choose one. Pure: the caller
/// supplies the interfaces (from <c>ip -j -d addr show</c>) and, for <c>can-reach</c>, the source address the kernel
/// would use (from <c>ip -j route get</c>).
/// </summary>
public static class IPAutodetector
{
    /// <summary>Kinds of link that are never a node's own address (Calico excludes them by name; we also look at the kind).</summary>
    private static readonly HashSet<string> ExcludedKinds = new(StringComparer.Ordinal) { "veth", "bridge", "dummy", "vxlan", "ipip", "wireguard", "tun", "ifb", "macvtap" };

    /// <summary>Calico's default interface exclusions (felix autodetection), plus Brindle's tap* for VMs.</summary>
    private static readonly Regex ExcludedNames = new(
        "^(lo|docker.*|cbr.*|dummy.*|virbr.*|lxcbr.*|veth.*|cali.*|tap.*|tunl.*|flannel.*|kube-ipvs.*|cni.*|vxlan.*|wireguard.*|br-.*|podman.*|nodelocaldns.*)$",
        RegexOptions.CultureInvariant);

    public static AutodetectionResult Detect(
        AutodetectionMethod method, AddressFamily family, IReadOnlyList<HostInterface> interfaces, IPAddress? routeSource = null)
    {
        var familyName = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        var usable = interfaces
            .Select(i => (Interface: i, Addresses: i.Addresses.Where(a => a.Address.AddressFamily == family).ToList()))
            .Where(x => x.Addresses.Count > 0)
            .ToList();

        switch (method)
        {
            case AutodetectionMethod.FirstFound:
                return Choose(usable.Where(x => !Excluded(x.Interface)).ToList(), familyName, method);
            case AutodetectionMethod.SkipInterface skip:
                return Choose(usable.Where(x => !Excluded(x.Interface) && !skip.Patterns.Any(p => p.IsMatch(x.Interface.Name))).ToList(), familyName, method);
            case AutodetectionMethod.Interface iface:
                // An explicit pattern is the operator's choice: honour it even for a bridge, but still pick unambiguously.
                return Choose(usable.Where(x => iface.Patterns.Any(p => p.IsMatch(x.Interface.Name))).ToList(), familyName, method);
            case AutodetectionMethod.Cidr cidr:
                var inCidr = usable
                    .Select(x => (x.Interface, Addresses: x.Addresses.Where(a => cidr.Networks.Any(n => n.Contains(a.Address))).ToList()))
                    .Where(x => x.Addresses.Count > 0)
                    .ToList();
                return Choose(inCidr, familyName, method);
            case AutodetectionMethod.CanReach reach:
                if (routeSource is null)
                {
                    return new(null, null, $"no {familyName} route to {reach.Destination}, so can-reach cannot choose an address");
                }
                foreach (var (i, addresses) in usable)
                {
                    var match = addresses.FirstOrDefault(a => a.Address.Equals(routeSource));
                    if (match is not null) return new(match, i.Name, null);
                }
                return new(null, null, $"the route to {reach.Destination} uses source {routeSource}, which is on no interface with a global {familyName} address");
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "unknown autodetection method");
        }
    }

    private static bool Excluded(HostInterface i) => i.IsLoopback || ExcludedKinds.Contains(i.Kind) || ExcludedNames.IsMatch(i.Name);

    private static AutodetectionResult Choose(List<(HostInterface Interface, List<InterfaceAddress> Addresses)> candidates, string family, AutodetectionMethod method)
    {
        if (candidates.Count == 0)
        {
            return new(null, null, $"{method} found no interface with a global {family} address; give the address with --ip (or --ip6), or choose another --ip-autodetection-method");
        }
        // Prefer interfaces that are up; several up interfaces (or several addresses on one) are ambiguous.
        var up = candidates.Where(c => c.Interface.IsUp).ToList();
        var pool = up.Count > 0 ? up : candidates;
        if (pool.Count == 1 && pool[0].Addresses.Count == 1)
        {
            return new(pool[0].Addresses[0], pool[0].Interface.Name, null);
        }
        var listed = string.Join(", ", pool.SelectMany(c => c.Addresses.Select(a => $"{a} on {c.Interface.Name}")));
        var first = pool[0];
        return new(null, null,
            $"{method} is ambiguous: candidates are {listed}. Choose one with --ip {first.Addresses[0]}, " +
            $"--ip-autodetection-method interface={Regex.Escape(first.Interface.Name)}, can-reach=ADDRESS or cidr=CIDR");
    }
}
