using System.Net;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;
using Brindle.Dataplane.Ports;
using Brindle.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Dataplane.Routes;

/// <summary>
/// Reconciler for routes to local workloads (and block routes), their neighbour entries and the forwarding and
/// proxy-ARP sysctls that make the host every workload's gateway.
/// </summary>
/// <remarks>
/// <para>How a restarted agent recognises its routes: they carry route protocol <see cref="RouteProtocol"/> (98).
/// It reads only routes with that protocol, so it never touches anyone else's; it removes its own stale routes only
/// after <see cref="InSync"/>.</para>
/// <para>Apply: the delta against what it last wrote (or read back, first time and on resync) goes through one
/// <c>ip -force -batch -</c>. A route to an interface that does not exist yet fails alone; the cached state is
/// dropped and the next apply re-reads and retries (the interface normally appears moments later).</para>
/// </remarks>
public sealed partial class RouteDataplane(ICommandRunner runner, ISysctlWriter sysctls, string? networkNamespace = null, TimeProvider? time = null, ILogger? logger = null)
    : IDataplaneDriver
{
    public const string DriverName = "routes";
    public const int RouteProtocol = 98;

    private static readonly string[] Families = ["-4", "-6"];

    private readonly DataplaneModel _model = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly HashSet<string> _configuredInterfaces = new(StringComparer.Ordinal);
    private HashSet<string> _neighbours = new(StringComparer.Ordinal);
    private Dictionary<IPNetwork, KernelRoute>? _actual;
    private Task<Dictionary<IPNetwork, KernelRoute>>? _reading;   // started by Prepare, taken by the next apply
    private bool _globalSysctlsDone;
    private bool _dirty = true;

    public IReadOnlyDictionary<IPNetwork, KernelRoute>? Actual => _actual;

    public void OnUpdate(DataplaneMessage message)
    {
        // Routes need workloads, routes, pools and configuration; IP sets, policies and profiles are nftables' alone
        // (an initial snapshot's IP sets hold every address of the cluster: not worth a second copy).
        if (message is IPSetUpdate or IPSetDeltaUpdate or IPSetRemove or ActivePolicyUpdate or ActivePolicyRemove or ActiveProfileUpdate or ActiveProfileRemove) return;
        if (_model.OnUpdate(message)) _dirty = true;
    }

    public void Prepare(CancellationToken cancellationToken = default)
    {
        if (_actual is null) _reading ??= Task.Run(() => ReadAsync(cancellationToken), cancellationToken);   // off the caller's thread: starting processes is not free
    }

    public async Task<ApplyReport> ApplyAsync(CancellationToken cancellationToken = default)
    {
        if (!_dirty && _actual is not null) return ApplyReport.Unchanged(DriverName);
        var started = _time.GetTimestamp();
        var complete = true;
        var reading = _actual is null ? _reading ?? ReadAsync(cancellationToken) : null;   // the kernel's routes, read meanwhile
        _reading = null;   // taken: a failed read is not reused

        // Sysctls first: a route to a workload is useless until the host answers ARP for its gateway.
        var interfaces = _model.WorkloadEndpoints.Values.Select(e => e.InterfaceName).Distinct(StringComparer.Ordinal).ToList();
        var newInterfaces = interfaces.Where(i => !_configuredInterfaces.Contains(i)).ToList();
        if (newInterfaces.Count > 0 || !_globalSysctlsDone)
        {
            var settings = RouteRenderer.Sysctls(_model, newInterfaces);
            var failed = await sysctls.WriteAsync(settings, cancellationToken);
            _globalSysctlsDone = true;
            foreach (var name in newInterfaces)
            {
                if (failed.Any(k => k.Contains($".{name.Replace('.', '/')}.", StringComparison.Ordinal))) complete = false;
                else _configuredInterfaces.Add(name);
            }
        }
        _configuredInterfaces.IntersectWith(interfaces);

        _actual ??= reading is null ? await ReadAsync(cancellationToken) : await reading;
        var desired = RouteRenderer.Routes(_model);
        var lines = new List<string>();
        foreach (var (destination, route) in desired)
        {
            if (!_actual.TryGetValue(destination, out var existing) || existing != route) lines.Add(route.ReplaceCommand());
        }
        if (_model.InSync)
        {
            foreach (var destination in _actual.Keys.Where(d => !desired.ContainsKey(d))) lines.Add(_actual[destination].DeleteCommand());
        }
        var neighbours = RouteRenderer.Neighbours(_model).ToHashSet(StringComparer.Ordinal);
        lines.AddRange(neighbours.Where(n => !_neighbours.Contains(n)));

        var changed = lines.Count;
        if (lines.Count > 0)
        {
            var command = new CommandSpec("ip", ["-force", "-batch", "-"]) { StandardInput = string.Join('\n', lines) + "\n" }.InNamespace(networkNamespace);
            var result = await runner.RunAsync(command, cancellationToken);
            if (result.Succeeded)
            {
                var kept = _model.InSync ? [] : _actual.Where(kv => !desired.ContainsKey(kv.Key));
                _actual = desired.Concat(kept).ToDictionary(kv => kv.Key, kv => kv.Value);
                _neighbours = neighbours;
            }
            else
            {
                Log.PartialFailure(_logger, result.StandardError.Trim());
                _actual = null;           // re-read and retry what is still missing next time
                _neighbours.Clear();
                complete = false;
            }
        }
        _dirty = !complete;
        return new ApplyReport(DriverName, changed > 0, changed, _time.GetElapsedTime(started));
    }

    /// <summary>Re-reads routes (and re-writes sysctls and neighbours), repairing drift.</summary>
    public Task<ApplyReport> ResyncAsync(CancellationToken cancellationToken = default)
    {
        _actual = null;
        _reading = null;   // a read started before this resync is not fresh enough
        _neighbours.Clear();
        _configuredInterfaces.Clear();
        _globalSysctlsDone = false;
        _dirty = true;
        return ApplyAsync(cancellationToken);
    }

    /// <summary>Reads every IPv4 and IPv6 route with Brindle's protocol.</summary>
    public async Task<Dictionary<IPNetwork, KernelRoute>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var routes = new Dictionary<IPNetwork, KernelRoute>();
        var commands = Families.Select(family => CommandSpec.Of("ip", "-j", family, "route", "show", "table", "main", "proto", RouteProtocol.ToString()).InNamespace(networkNamespace)).ToList();
        var results = await Task.WhenAll(commands.Select(c => runner.RunAsync(c, cancellationToken)));   // both families at once
        for (var i = 0; i < commands.Count; i++)
        {
            foreach (var route in IPRouteParser.Parse(results[i].EnsureSuccess(commands[i]).StandardOutput)) routes[route.Destination] = route;
        }
        return routes;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Some route changes failed (will retry): {Error}")]
        public static partial void PartialFailure(ILogger logger, string error);
    }
}
