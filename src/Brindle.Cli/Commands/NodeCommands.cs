using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Brindle.Agent;
using Brindle.Agent.Registration;
using Brindle.Agent.Status;
using Brindle.Bgp.Ports;
using Brindle.Bgp.Status;
using Brindle.Bgp.Supervisor;
using Brindle.Datastore;
using Brindle.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle node run</c> (the per-host agent) and <c>brindle node status</c>.</summary>
internal static class NodeCommands
{
    public static Command Build(CliConsole console)
    {
        var node = new Command("node", "Run the per-host agent, or show its status.");
        node.Subcommands.Add(BuildRun(console));
        node.Subcommands.Add(BuildStatus(console));
        return node;
    }

    private static Command BuildRun(CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "This node's name (the Node resource, and spec.node of its workloads).", Required = true };
        var ip = new Option<string?>("--ip") { Description = "This node's IPv4 address with prefix length (A.B.C.D/LEN); autodetected when absent." };
        var ip6 = new Option<string?>("--ip6") { Description = "This node's IPv6 address with prefix length (X::Y/LEN); none when absent." };
        var asNumber = new Option<long?>("--as") { Description = "This node's AS number (default: the cluster's, BGPConfiguration asNumber or 64512)." };
        var method = new Option<string?>("--ip-autodetection-method")
        {
            Description = "first-found (default), interface=REGEX, skip-interface=REGEX, can-reach=ADDRESS or cidr=CIDR.",
        };
        var stateDir = new Option<string?>("--state-dir") { Description = "BIRD's config, control socket and PID file (default /var/run/brindle/NAME)." };
        var healthPort = new Option<int?>("--health-port")
        {
            Description = "Port of /liveness and /readiness on 127.0.0.1 (0: off; default FelixConfiguration healthPort, else 9099).",
        };
        var metricsPort = new Option<int?>("--metrics-port")
        {
            Description = "Port of the Prometheus /metrics on 127.0.0.1 (0: off; default FelixConfiguration prometheusMetricsPort, else 9091).",
        };
        var command = new Command("run",
            "Run the node agent in this network namespace: register the Node, program nftables and routes, run BIRD.\n\n" +
            "Example:\n  DATASTORE_TYPE=embedded DATASTORE_PATH=/var/lib/brindle/brindle.db brindle node run --name node1 --ip 10.0.0.11/24")
        {
            name, ip, ip6, asNumber, method, stateDir, healthPort, metricsPort,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var nodeName = CheckName(parseResult.GetValue(name)!);
            AutodetectionMethod? detection = null;
            if (parseResult.GetValue(method) is { } methodText && !AutodetectionMethod.TryParse(methodText, out detection, out var error))
            {
                throw new UserErrorException($"--ip-autodetection-method: {error}");
            }
            foreach (var port in (Option<int?>[])[healthPort, metricsPort])
            {
                if (parseResult.GetValue(port) is < 0 or > 65535) throw new UserErrorException($"{port.Name} {parseResult.GetValue(port)} is not a port: use 1-65535, or 0 to turn it off");
            }
            var options = new AgentOptions(nodeName, parseResult.GetValue(stateDir) ?? AgentOptions.DefaultStateDirectory(nodeName))
            {
                IPv4Address = parseResult.GetValue(ip),
                IPv6Address = parseResult.GetValue(ip6),
                AsNumber = parseResult.GetValue(asNumber),
                AutodetectionMethod = detection,
                HealthPort = parseResult.GetValue(healthPort),     // null: FelixConfiguration, else the default
                MetricsPort = parseResult.GetValue(metricsPort),
            };
            var explicitLevel = parseResult.GetResult(GlobalOptions.LogLevel) is { Implicit: false };
            var level = explicitLevel ? ParseLogLevel(parseResult.GetValue(GlobalOptions.LogLevel)!) : LogLevel.Information;
            using var loggers = LoggerFactory.Create(builder => builder
                .SetMinimumLevel(level)
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // A second signal can arrive while the agent is already shutting down (and `stop` is being disposed).
            void Stop(PosixSignalContext ctx)
            {
                ctx.Cancel = true;
                try { stop.Cancel(); } catch (ObjectDisposedException) { }
            }
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            await using var store = await CliDatastore.OpenAsync(console, parseResult, stop.Token);
            using var runner = new LibNftablesRunner(ProcessCommandRunner.Instance);   // nft transactions in-process, the rest as programs
            var agent = new NodeAgent(options, store, runner, loggers);
            try
            {
                await agent.RunAsync(stop.Token);
            }
            catch (AgentStartupException e)
            {
                throw new UserErrorException(e.Message);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // stopped by a signal before the agent was up
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildStatus(CliConsole console)
    {
        var name = new Option<string?>("--name") { Description = "The node (default: this host's name)." };
        var stateDir = new Option<string?>("--state-dir") { Description = "Where the agent keeps BIRD's control socket (default /var/run/brindle/NAME)." };
        var output = CommonOptions.Output("table", "table or json.");
        var command = new Command("status",
            "Show the node agent's state and its BGP sessions (from the local BIRD when its socket is here, otherwise from the datastore).\n\n" +
            "Example:\n  brindle node status --name node1")
        {
            name, stateDir, output,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var nodeName = CheckName(parseResult.GetValue(name) ?? Environment.MachineName);
            var format = parseResult.GetValue(output);
            if (format is not ("table" or "json")) throw new UserErrorException($"--output '{format}' is not supported: use table or json");
            var directory = parseResult.GetValue(stateDir) ?? AgentOptions.DefaultStateDirectory(nodeName);

            AgentStatusRecord? record = null;
            IReadOnlyList<EndpointStatusRecord> endpoints = [];
            string? datastoreProblem = null;
            try
            {
                await using var store = await CliDatastore.OpenAsync(console, parseResult, cancellationToken);
                var kv = await store.GetAsync(AgentStatusRecord.KeyFor(nodeName), cancellationToken);
                record = kv is null ? null : AgentStatusRecord.FromJson(kv.Value);
                var listed = await store.ListAsync(EndpointStatusRecord.NodePrefix(nodeName), cancellationToken);
                endpoints = [.. listed.Items.Select(i => EndpointStatusRecord.FromJson(i.Value)).OfType<EndpointStatusRecord>()];
            }
            catch (DatastoreException e)
            {
                datastoreProblem = e.Message;
            }

            var instance = BirdInstance.InDirectory(directory);
            IReadOnlyList<BgpPeerStatus>? sessions = null;
            var source = "none";
            if (File.Exists(instance.SocketPath))
            {
                var bird = new BirdSupervisor(instance, ProcessCommandRunner.Instance, LocalFileStore.Instance, LinuxProcessSignaller.Instance, TimeProvider.System);
                var result = await bird.Birdc(cancellationToken, "show", "protocols", "all");
                if (result.Succeeded)
                {
                    sessions = BirdProtocolsParser.Parse(result.StandardOutput);
                    source = "bird";
                }
            }
            if (sessions is null && record is not null)
            {
                sessions = [.. record.BgpSessions.Select(s => s.ToStatus())];
                source = "datastore";
            }
            if (record is null && sessions is null)
            {
                throw new UserErrorException($"no agent is running for node '{nodeName}': no status record in the datastore" +
                    (datastoreProblem is null ? "" : $" ({datastoreProblem})") + $" and no BIRD socket at {instance.SocketPath}");
            }
            await console.Out.WriteAsync(format == "json"
                ? NodeStatusView.Json(nodeName, record, endpoints, sessions ?? [], source)
                : NodeStatusView.Table(nodeName, record, endpoints, sessions ?? [], source, DateTimeOffset.UtcNow));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string CheckName(string name) =>
        string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal)
            ? throw new UserErrorException($"--name '{name}' must be a non-empty node name without '/'")
            : name;

    private static LogLevel ParseLogLevel(string text) => text.ToLowerInvariant() switch
    {
        "panic" or "fatal" => LogLevel.Critical,
        "error" => LogLevel.Error,
        "warning" or "warn" => LogLevel.Warning,
        "info" => LogLevel.Information,
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        _ => throw new UserErrorException($"--log-level '{text}' is not one of panic, fatal, error, warning, info, debug"),
    };
}

/// <summary>Renders <c>brindle node status</c> (pure).</summary>
internal static class NodeStatusView
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Table(string node, AgentStatusRecord? record, IReadOnlyList<EndpointStatusRecord> endpoints, IReadOnlyList<BgpPeerStatus> sessions, string source, DateTimeOffset now)
    {
        var text = new System.Text.StringBuilder();
        if (record is null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Brindle agent for {node}: no status record in the datastore (not running, or its lease expired).\n");
        }
        else
        {
            var age = (now - record.Updated).TotalSeconds;
            text.Append(CultureInfo.InvariantCulture, $"Brindle agent for {node} is running: {StateName(record.State)} (updated {age:F0} s ago).\n");
            text.Append(CultureInfo.InvariantCulture, $"Endpoints {record.Endpoints}, policies {record.Policies}, profiles {record.Profiles}, IP sets {record.IPSets}");
            if (record.LastApply is { } last) text.Append(CultureInfo.InvariantCulture, $"; last apply {last:HH:mm:ss} UTC ({record.LastApplyMilliseconds:F1} ms)");
            text.Append('\n');
            if (record.Error is not null) text.Append("Dataplane error: ").Append(record.Error).Append('\n');
            if (record.BgpError is not null) text.Append("BGP configuration error: ").Append(record.BgpError).Append('\n');
        }
        if (endpoints.Count > 0)
        {
            int Count(EndpointState state) => endpoints.Count(e => e.Status == state);
            text.Append(CultureInfo.InvariantCulture, $"Workloads: {Count(EndpointState.Up)} up, {Count(EndpointState.Pending)} pending, {Count(EndpointState.Error)} error\n");
            foreach (var e in endpoints.Where(e => e.Status != EndpointState.Up))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {e.Status.ToString().ToLowerInvariant()}  {e.Namespace}/{e.Name} ({e.Interface}): {e.Reason}\n");
            }
        }
        text.Append('\n');
        if (sessions.Count == 0) text.Append("No BGP sessions.\n");
        else text.Append(BgpStatusTableRenderer.Render(sessions)).Append(source == "datastore" ? "(sessions as the agent last reported them)\n" : "");
        return text.ToString();
    }

    public static string Json(string node, AgentStatusRecord? record, IReadOnlyList<EndpointStatusRecord> endpoints, IReadOnlyList<BgpPeerStatus> sessions, string source)
    {
        var view = new
        {
            node,
            agent = record is null ? (JsonElement?)null : JsonDocument.Parse(record.ToJson()).RootElement,
            workloads = endpoints.Select(e => JsonDocument.Parse(e.ToJson()).RootElement),
            bgpSource = source,
            bgp = sessions.Select(s => new
            {
                peerAddress = s.PeerAddress?.ToString(),
                peerType = BgpStatusTableRenderer.TypeName(s.Type),
                state = s.State,
                bgpState = s.BgpState,
                since = s.Since,
                info = s.Info,
                reason = BgpDiagnosis.Explain(s, BgpDiagnosisContext.None),
            }),
        };
        return JsonSerializer.Serialize(view, Indented) + "\n";
    }

    private static string StateName(AgentState state) => state switch
    {
        AgentState.InSync => "in sync",
        AgentState.Error => "error",
        _ => "starting",
    };
}
