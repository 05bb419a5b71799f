using Xunit;
using System.Diagnostics;
using Brindle.Bgp.Model;
using Brindle.Bgp.Ports;
using Brindle.Bgp.Status;
using Brindle.Bgp.Supervisor;
using Brindle.Lab.TestBed;
using Brindle.Platform;

namespace Brindle.Testing.Bgp;

/// <summary>
/// A fabric namespace with a bridge, and routers (hosts or ToRs) as namespaces joined to it by veth pairs,
/// each with its own BIRD under a temporary directory. The namespaces belong to a <see cref="NamespaceTestBed"/>
/// (prefix <c>btbgp</c>: unique names, leftovers of dead test processes swept). Dispose stops every BIRD by PID and
/// deletes every namespace and file, even after a failure.
/// </summary>
public sealed class BgpNamespaceLab : IAsyncDisposable
{
    public const string Subnet = "192.0.2.0/24";
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(40);

    private readonly ICommandRunner _runner = ProcessCommandRunner.Instance;
    private readonly NamespaceTestBed _bed;
    private readonly Dictionary<string, string> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BirdSupervisor> _birds = new(StringComparer.Ordinal);
    private string _fabric = "";
    private int _links;

    public string Directory { get; }

    private BgpNamespaceLab(NamespaceTestBed bed, string tag)
    {
        _bed = bed;
        Directory = Path.Combine(Path.GetTempPath(), $"bt-bgp-{Environment.ProcessId}-{tag}");
    }

    public static async Task<BgpNamespaceLab> CreateAsync(string tag)
    {
        var lab = new BgpNamespaceLab(await NamespaceTestBed.CreateAsync("btbgp"), tag);
        try
        {
            System.IO.Directory.CreateDirectory(lab.Directory);
            lab._fabric = await lab.Namespace("fabric");
            await lab.Run(CommandSpec.Of("ip", "link", "add", "br0", "type", "bridge").InNamespace(lab._fabric));
            await lab.Run(CommandSpec.Of("ip", "link", "set", "br0", "up").InNamespace(lab._fabric));
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    public string NamespaceOf(string router) => _namespaces[router];

    /// <summary>Adds a router namespace with <c>eth0</c> = <paramref name="address"/>/24 on the fabric bridge, forwarding on.</summary>
    public async Task AddRouterAsync(string router, string address, string? ipv6Address = null)
    {
        var ns = await Namespace(router);
        var port = $"p{_links++}";
        await Run(CommandSpec.Of("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", _fabric));
        await Run(CommandSpec.Of("ip", "link", "set", port, "master", "br0", "up").InNamespace(_fabric));
        await Run(CommandSpec.Of("ip", "addr", "add", address + "/24", "dev", "eth0").InNamespace(ns));
        if (ipv6Address is not null) await Run(CommandSpec.Of("ip", "addr", "add", ipv6Address + "/64", "dev", "eth0", "nodad").InNamespace(ns));
        await Run(CommandSpec.Of("ip", "link", "set", "eth0", "up").InNamespace(ns));
        await Run(CommandSpec.Of("sysctl", "-q", "-w", "net.ipv4.ip_forward=1").InNamespace(ns));
        _birds[router] = new BirdSupervisor(BirdInstance.InDirectory(Path.Combine(Directory, router), ns), _runner,
            LocalFileStore.Instance, LinuxProcessSignaller.Instance, TimeProvider.System);
    }

    public BirdSupervisor Bird(string router) => _birds[router];

    public async Task<BirdApplyResult> ApplyAsync(string router, string config)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, router));
        return await _birds[router].ApplyAsync(config);
    }

    public Task<CommandResult> Run(string router, params string[] command) =>
        Run(new CommandSpec(command[0], command[1..]).InNamespace(NamespaceOf(router)));

    /// <summary>IPv6 routes in the router's kernel, one per line.</summary>
    public async Task<IReadOnlyList<string>> Routes6Async(string router) =>
        (await Run(router, "ip", "-6", "route", "show")).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>IPv4 routes in the router's kernel, one per line, as <c>ip route</c> prints them.</summary>
    public async Task<IReadOnlyList<string>> RoutesAsync(string router) =>
        (await Run(router, "ip", "-4", "route", "show")).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async Task<IReadOnlyList<BgpPeerStatus>> StatusAsync(string router) => await _birds[router].GetStatusAsync();

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> and the last state.</summary>
    public Task WaitUntilAsync(string what, Func<Task<bool>> condition) => WaitUntilStaticAsync(what, condition);

    public static async Task WaitUntilStaticAsync(string what, Func<Task<bool>> condition, Func<Task<string>>? describe = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? DefaultWait))
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out after {(timeout ?? DefaultWait).TotalSeconds} s waiting for {what}. {(describe is null ? "" : await describe())}");
    }

    public Task WaitForRouteAsync(string router, string prefixStart, bool present = true) =>
        WaitUntilStaticAsync($"route '{prefixStart}' {(present ? "in" : "gone from")} {router}'s kernel",
            async () => (await RoutesAsync(router)).Any(r => r.StartsWith(prefixStart + " ", StringComparison.Ordinal)) == present,
            async () => "routes: " + string.Join(" | ", await RoutesAsync(router)));

    public Task WaitForEstablishedAsync(string router, int sessions) =>
        WaitUntilStaticAsync($"{sessions} Established sessions on {router}",
            async () => (await StatusAsync(router)) is var s && s.Count == sessions && s.All(p => p.IsEstablished),
            async () => BgpStatusTableRenderer.Render(await StatusAsync(router)));

    public async ValueTask DisposeAsync()
    {
        foreach (var bird in _birds.Values)
        {
            try
            {
                await bird.StopAsync();
                if (bird.RunningPid() is { } pid) await _runner.RunAsync(CommandSpec.Of("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            catch (Exception) { /* keep cleaning up */ }
        }
        await _bed.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    private async Task<string> Namespace(string name) => _namespaces[name] = await _bed.CreateNamespaceAsync(name);

    private async Task<CommandResult> Run(CommandSpec spec) => (await _runner.RunAsync(spec)).EnsureSuccess(spec);
}
