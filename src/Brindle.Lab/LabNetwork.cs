using System.Net;
using Brindle.Platform;

namespace Brindle.Lab;

/// <summary>
/// The lab's namespaces and links: a fabric namespace with bridge <c>br0</c> (the underlay, holding the gateway
/// address), node namespaces joined to it by veth pairs, and workload namespaces joined to their node Calico-style.
/// Every address exists only inside these namespaces.
/// </summary>
/// <remarks>
/// Workload wiring follows Calico's CNI (as <see cref="TestBed.NamespaceTestBed"/> does): workload side <c>eth0</c>
/// holds the address as /32 with <c>default via 169.254.1.1</c>; the host side is named by the endpoint's
/// <c>interfaceName</c>, has MAC ee:ee:ee:ee:ee:ee, proxy ARP on and no address. Host routes to workloads are the
/// agent's job.
/// </remarks>
public sealed class LabNetwork(ICommandRunner runner)
{
    public async Task CreateNamespaceAsync(string ns, CancellationToken ct)
    {
        await RunAsync(CommandSpec.Of("ip", "netns", "add", ns), ct);
        await IpAsync(ns, ct, "link", "set", "lo", "up");
    }

    public async Task CreateFabricAsync(string ns, IPAddress gateway, int prefixLength, IEnumerable<IPAddress> extraAddresses, CancellationToken ct)
    {
        await CreateNamespaceAsync(ns, ct);
        await IpAsync(ns, ct, "link", "add", "br0", "type", "bridge");
        await IpAsync(ns, ct, "addr", "add", $"{gateway}/{prefixLength}", "dev", "br0");
        foreach (var address in extraAddresses) await IpAsync(ns, ct, "addr", "add", $"{address}/{prefixLength}", "dev", "br0");
        await IpAsync(ns, ct, "link", "set", "br0", "up");
        await SysctlAsync(ns, ct, "net.ipv4.ip_forward=1");
    }

    /// <summary>A node namespace with forwarding on, uplink <c>eth0</c> on the fabric bridge and a default route via the gateway.</summary>
    public async Task CreateNodeAsync(string ns, string fabric, string fabricPort, IPAddress address, int prefixLength, IPAddress gateway, CancellationToken ct)
    {
        await CreateNamespaceAsync(ns, ct);
        await SysctlAsync(ns, ct, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        await IpAsync(fabric, ct, "link", "add", fabricPort, "type", "veth", "peer", "name", "eth0", "netns", ns);
        await IpAsync(fabric, ct, "link", "set", fabricPort, "master", "br0", "up");
        await IpAsync(ns, ct, "addr", "add", $"{address}/{prefixLength}", "dev", "eth0");
        await IpAsync(ns, ct, "link", "set", "eth0", "up");
        await IpAsync(ns, ct, "route", "add", "default", "via", gateway.ToString(), "dev", "eth0");
    }

    /// <summary>A workload namespace wired to <paramref name="nodeNamespace"/> through the veth <paramref name="interfaceName"/>.</summary>
    public async Task CreateWorkloadAsync(string ns, string nodeNamespace, string interfaceName, IPAddress address, string mac, CancellationToken ct)
    {
        await CreateNamespaceAsync(ns, ct);
        await IpAsync(nodeNamespace, ct, "link", "add", interfaceName, "address", TestBed.NamespaceTestBed.HostSideMac, "type", "veth", "peer", "name", "eth0", "address", mac, "netns", ns);
        await SysctlAsync(nodeNamespace, ct, $"net.ipv4.conf.{interfaceName}.proxy_arp=1", $"net.ipv4.neigh.{interfaceName}.proxy_delay=0");
        await IpAsync(nodeNamespace, ct, "link", "set", interfaceName, "up");
        await IpAsync(ns, ct, "link", "set", "eth0", "up");
        await IpAsync(ns, ct, "addr", "add", $"{address}/32", "dev", "eth0");
        await IpAsync(ns, ct, "route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
        await IpAsync(ns, ct, "route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
    }

    /// <summary>Every namespace name on the machine.</summary>
    public async Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken ct)
    {
        var result = await runner.RunAsync(CommandSpec.Of("ip", "netns", "list"), ct);
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0])];
    }

    /// <summary>PIDs of processes living in <paramref name="ns"/> (<c>ip netns pids</c>).</summary>
    public async Task<IReadOnlyList<int>> PidsAsync(string ns, CancellationToken ct)
    {
        var result = await runner.RunAsync(CommandSpec.Of("ip", "netns", "pids", ns), ct);
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => int.TryParse(l, out var pid) ? pid : 0).Where(pid => pid > 0)];
    }

    /// <summary>Deletes a namespace (and with it its veths); false if it did not exist.</summary>
    public async Task<bool> DeleteNamespaceAsync(string ns, CancellationToken ct) =>
        (await runner.RunAsync(CommandSpec.Of("ip", "netns", "del", ns), ct)).Succeeded;

    public Task IpAsync(string ns, CancellationToken ct, params string[] arguments) => RunAsync(new CommandSpec("ip", ["-n", ns, .. arguments]), ct);

    private Task SysctlAsync(string ns, CancellationToken ct, params string[] settings) =>
        RunAsync(new CommandSpec("sysctl", ["-q", "-w", .. settings]).InNamespace(ns), ct);

    private async Task RunAsync(CommandSpec command, CancellationToken ct) => (await runner.RunAsync(command, ct)).EnsureSuccess(command);
}
