using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Brindle.Platform;

namespace Brindle.Lab.TestBed;

/// <summary>
/// Builds nodes and workloads as network namespaces joined by veth pairs, Calico-style, for tests, benches and the
/// lab. Every namespace is named <c>PREFIX-PID-N-NAME</c>; creating a bed first deletes namespaces with the same
/// prefix whose PID is no longer alive (leftovers of a crashed run). <see cref="DisposeAsync"/> removes everything
/// the bed created, continuing past individual failures.
/// </summary>
/// <remarks>
/// Workload wiring (Calico's CNI convention): workload side <c>eth0</c> holds the address as /32 (and /128), with
/// <c>169.254.1.1 dev eth0 scope link</c> and <c>default via 169.254.1.1</c> (IPv6: via the host side's link-local
/// <c>fe80::ecee:eeff:feee:eeee</c>); host side has MAC ee:ee:ee:ee:ee:ee, no address, proxy_arp=1 and
/// proxy_delay=0. The node has forwarding on and a default route (without one the kernel does not answer proxy
/// ARP); a standalone node's default route points at an unanswered gateway on a private veth, so stray packets die
/// instead of looping. Host routes to workloads are the dataplane's job unless asked for.
/// </remarks>
public sealed partial class NamespaceTestBed : IAsyncDisposable
{
    public const string HostSideMac = "ee:ee:ee:ee:ee:ee";
    public const string HostSideLinkLocal = "fe80::ecee:eeff:feee:eeee";

    private static int s_instances;
    private readonly ICommandRunner _runner;
    private readonly List<string> _namespaces = [];
    private readonly List<TestListener> _listeners = [];
    private readonly string _base;
    private int _uplinks;

    private NamespaceTestBed(string prefix, ICommandRunner runner)
    {
        Prefix = prefix;
        _runner = runner;
        _base = $"{prefix}-{Environment.ProcessId}-{Interlocked.Increment(ref s_instances)}";
    }

    public string Prefix { get; }

    public ICommandRunner Runner => _runner;

    public IReadOnlyList<string> Namespaces => _namespaces;

    /// <summary>Creates a bed; sweeps namespaces <c>PREFIX-PID-…</c> of dead processes first.</summary>
    public static async Task<NamespaceTestBed> CreateAsync(string prefix, ICommandRunner? runner = null, CancellationToken cancellationToken = default)
    {
        if (!ValidPrefix().IsMatch(prefix)) throw new ArgumentException($"Test bed prefix '{prefix}' must be 1-8 lower-case letters or digits.", nameof(prefix));
        var bed = new NamespaceTestBed(prefix, runner ?? ProcessCommandRunner.Instance);
        await bed.SweepAsync(cancellationToken);
        return bed;
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var list = await _runner.RunAsync(CommandSpec.Of("ip", "netns", "list"), ct);
        var pattern = new Regex("^" + Regex.Escape(Prefix) + @"-(\d+)-", RegexOptions.CultureInvariant);
        foreach (var line in list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = line.Split(' ')[0];
            var match = pattern.Match(name);
            if (!match.Success || !int.TryParse(match.Groups[1].Value, out var pid)) continue;
            if (pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}")) continue;
            await _runner.RunAsync(CommandSpec.Of("ip", "netns", "del", name), ct);
        }
    }

    /// <summary>A node namespace with forwarding on and a default route.</summary>
    public async Task<TestNode> CreateNodeAsync(string name, CancellationToken cancellationToken = default)
    {
        var ns = await AddNamespaceAsync(name, cancellationToken);
        await SysctlAsync(ns, cancellationToken,
            "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
            "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        await RunAsync(ns, cancellationToken, "link", "add", "stub0", "type", "veth", "peer", "name", "stub1");
        await RunAsync(ns, cancellationToken, "link", "set", "stub0", "up");
        await RunAsync(ns, cancellationToken, "link", "set", "stub1", "up");
        await RunAsync(ns, cancellationToken, "route", "add", "default", "via", "169.254.0.254", "dev", "stub0", "onlink");
        await RunAsync(ns, cancellationToken, "-6", "route", "add", "default", "via", "fe80::254", "dev", "stub0");
        return new TestNode(name, ns);
    }

    /// <summary>A workload namespace wired to <paramref name="node"/> through the veth <paramref name="interfaceName"/> (host side).</summary>
    /// <param name="hostRoutes">Also add the node's /32 (/128) routes to the workload (normally the route dataplane does).</param>
    public async Task<TestWorkload> CreateWorkloadAsync(TestNode node, string name, string interfaceName, IPAddress? ipv4, IPAddress? ipv6 = null,
        string? mac = null, bool hostRoutes = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var ns = await AddNamespaceAsync(name, cancellationToken);
        mac ??= MacFor(ipv4 ?? ipv6 ?? IPAddress.Loopback, _namespaces.Count);
        await SysctlAsync(ns, cancellationToken, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        await RunAsync(node.Namespace, cancellationToken, "link", "add", interfaceName, "address", HostSideMac, "type", "veth", "peer", "name", "eth0", "address", mac, "netns", ns);
        await SysctlAsync(node.Namespace, cancellationToken,
            $"net.ipv4.conf.{interfaceName}.proxy_arp=1", $"net.ipv4.neigh.{interfaceName}.proxy_delay=0", $"net.ipv6.conf.{interfaceName}.accept_dad=0");
        await RunAsync(node.Namespace, cancellationToken, "link", "set", interfaceName, "up");
        await RunAsync(ns, cancellationToken, "link", "set", "lo", "up");
        await RunAsync(ns, cancellationToken, "link", "set", "eth0", "up");
        if (ipv4 is not null)
        {
            await RunAsync(ns, cancellationToken, "addr", "add", $"{ipv4}/32", "dev", "eth0");
            await RunAsync(ns, cancellationToken, "route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
            await RunAsync(ns, cancellationToken, "route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
            if (hostRoutes) await RunAsync(node.Namespace, cancellationToken, "route", "replace", $"{ipv4}/32", "dev", interfaceName, "scope", "link");
        }
        if (ipv6 is not null)
        {
            await RunAsync(ns, cancellationToken, "-6", "addr", "add", $"{ipv6}/128", "dev", "eth0", "nodad");
            await RunAsync(ns, cancellationToken, "-6", "route", "add", "default", "via", HostSideLinkLocal, "dev", "eth0");
            if (hostRoutes) await RunAsync(node.Namespace, cancellationToken, "-6", "route", "replace", $"{ipv6}/128", "dev", interfaceName);
        }
        return new TestWorkload(name, ns, node, interfaceName, ipv4, ipv6, mac);
    }

    /// <summary>
    /// Joins <paramref name="node"/> to <paramref name="fabric"/> with a veth pair on one subnet of
    /// <paramref name="prefixLength"/> bits: the node side gets <paramref name="nodeAddress"/> and a default route via
    /// <paramref name="fabricAddress"/>, which the fabric side gets. The fabric gets no route back to workload
    /// addresses (it is "outside", e.g. for NAT-outgoing). (Addresses are separate from the prefix length because
    /// <see cref="IPNetwork"/> drops host bits.)
    /// </summary>
    public async Task ConnectUplinkAsync(TestNode node, TestNode fabric, IPAddress nodeAddress, IPAddress fabricAddress, int prefixLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(fabric);
        var index = Interlocked.Increment(ref _uplinks);
        var nodeSide = $"uplink{index}";
        var fabricSide = $"down{index}";
        await RunAsync(node.Namespace, cancellationToken, "link", "add", nodeSide, "type", "veth", "peer", "name", fabricSide, "netns", fabric.Namespace);
        await RunAsync(node.Namespace, cancellationToken, "addr", "add", $"{nodeAddress}/{prefixLength}", "dev", nodeSide);
        await RunAsync(fabric.Namespace, cancellationToken, "addr", "add", $"{fabricAddress}/{prefixLength}", "dev", fabricSide);
        await RunAsync(node.Namespace, cancellationToken, "link", "set", nodeSide, "up");
        await RunAsync(fabric.Namespace, cancellationToken, "link", "set", fabricSide, "up");
        var v6 = nodeAddress.AddressFamily == AddressFamily.InterNetworkV6 ? new[] { "-6" } : [];
        await RunAsync(node.Namespace, cancellationToken, [.. v6, "route", "replace", "default", "via", fabricAddress.ToString(), "dev", nodeSide]);
    }

    /// <summary>Starts a TCP or UDP echo server on <paramref name="port"/> in <paramref name="ns"/>; stopped by <see cref="DisposeAsync"/>.</summary>
    public TestListener Listen(TestNamespace ns, ProtocolType protocol, int port)
    {
        var listener = new TestListener(ns, protocol, port);
        lock (_listeners) _listeners.Add(listener);
        return listener;
    }

    /// <summary>Runs <c>ip ARGS</c> inside <paramref name="ns"/>; throws with the command and stderr on failure.</summary>
    public async Task RunAsync(string ns, CancellationToken cancellationToken, params string[] ipArguments)
    {
        var command = new CommandSpec("ip", ["-n", ns, .. ipArguments]);
        (await _runner.RunAsync(command, cancellationToken)).EnsureSuccess(command);
    }

    /// <summary>Runs any program inside a namespace of the bed and returns its result (not checked).</summary>
    public Task<CommandResult> ExecAsync(TestNamespace ns, string program, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return _runner.RunAsync(new CommandSpec(program, arguments).InNamespace(ns.Namespace));
    }

    private async Task SysctlAsync(string ns, CancellationToken ct, params string[] settings)
    {
        var command = new CommandSpec("sysctl", ["-q", "-w", .. settings]).InNamespace(ns);
        (await _runner.RunAsync(command, ct)).EnsureSuccess(command);
    }

    /// <summary>A bare namespace (loopback up, nothing else) named <c>PREFIX-PID-N-name</c>; deleted with the bed.</summary>
    public Task<string> CreateNamespaceAsync(string name, CancellationToken cancellationToken = default) => AddNamespaceAsync(name, cancellationToken);

    private async Task<string> AddNamespaceAsync(string name, CancellationToken ct)
    {
        if (!ValidName().IsMatch(name)) throw new ArgumentException($"Namespace name '{name}' must be 1-20 letters, digits or '-'.", nameof(name));
        var ns = $"{_base}-{name}";
        var command = CommandSpec.Of("ip", "netns", "add", ns);
        (await _runner.RunAsync(command, ct)).EnsureSuccess(command);
        lock (_namespaces) _namespaces.Add(ns);
        await RunAsync(ns, ct, "link", "set", "lo", "up");
        return ns;
    }

    private static string MacFor(IPAddress address, int salt)
    {
        var bytes = address.GetAddressBytes();
        return $"0a:58:{(byte)salt:x2}:{bytes[^3]:x2}:{bytes[^2]:x2}:{bytes[^1]:x2}";
    }

    /// <summary>Stops listeners and deletes every namespace the bed created (which removes their veths), workloads before nodes.</summary>
    public async ValueTask DisposeAsync()
    {
        List<TestListener> listeners;
        lock (_listeners) listeners = [.. _listeners];
        foreach (var listener in listeners) await listener.DisposeAsync();
        List<string> namespaces;
        lock (_namespaces) namespaces = [.. _namespaces];
        namespaces.Reverse();
        var failures = new List<string>();
        foreach (var ns in namespaces)
        {
            var result = await _runner.RunAsync(CommandSpec.Of("ip", "netns", "del", ns));
            if (!result.Succeeded) failures.Add($"{ns}: {result.StandardError.Trim()}");
        }
        Debug.WriteLineIf(failures.Count > 0, "test bed cleanup failures: " + string.Join("; ", failures));
    }

    [GeneratedRegex("^[a-z0-9]{1,8}$")]
    private static partial Regex ValidPrefix();

    [GeneratedRegex("^[A-Za-z0-9-]{1,20}$")]
    private static partial Regex ValidName();
}
