using System.Net.Sockets;
using Brindle.Agent.Registration;
using Brindle.Api;
using Brindle.Datastore;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;
using Microsoft.Extensions.Logging;

namespace Brindle.Agent.Observability;

/// <summary>
/// The agent's health (<c>/liveness</c>, <c>/readiness</c>) and Prometheus (<c>/metrics</c>) endpoints on 127.0.0.1,
/// started once at agent start-up with the ports of <see cref="ObservabilityPorts"/>; disposing stops them.
/// Both answer from what <see cref="AgentMetrics"/> recorded and from <c>gauges</c> (read per scrape).
/// </summary>
public sealed partial class AgentObservability : IAsyncDisposable
{
    private readonly List<LoopbackHttpServer> _servers;

    private AgentObservability(List<LoopbackHttpServer> servers, ObservabilityPorts ports)
    {
        _servers = servers;
        Ports = ports;
    }

    public ObservabilityPorts Ports { get; }

    /// <summary>
    /// Resolves the ports (options, then FelixConfiguration <c>node.NAME</c> and <c>default</c> when an option is null)
    /// and binds them. Throws <see cref="AgentStartupException"/> with one line naming the port and the flag that
    /// changes it when a port cannot be bound (in use, or no loopback in this network namespace).
    /// </summary>
    public static async Task<AgentObservability> StartAsync(AgentOptions options, IKeyValueStore store, AgentMetrics metrics, Func<AgentGauges> gauges,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(gauges);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger<AgentObservability>();
        FelixConfigurationSpec? global = null, node = null;
        if (options.HealthPort is null || options.MetricsPort is null)
        {
            try
            {
                var resources = new ResourceStore(store);
                global = (await resources.GetAsync<FelixConfiguration>("default", cancellationToken: cancellationToken))?.Spec;
                node = (await resources.GetAsync<FelixConfiguration>($"node.{options.NodeName}", cancellationToken: cancellationToken))?.Spec;
            }
            catch (DatastoreException e)
            {
                Log.FelixConfigurationUnread(logger, e.Message);
            }
        }
        var (ports, errors) = ObservabilityPorts.Resolve(options.NodeName, options.HealthPort, options.MetricsPort, global, node);
        if (ports is null) throw new AgentStartupException(string.Join("; ", errors));

        var servers = new List<LoopbackHttpServer>();
        try
        {
            if (ports.Health.Enabled)
            {
                servers.Add(Bind("health", ports.Health, ObservabilityPorts.HealthFlag, path => Health(path, metrics), logger));
            }
            if (ports.Metrics.Enabled)
            {
                servers.Add(Bind("metrics", ports.Metrics, ObservabilityPorts.MetricsFlag,
                    path => path == "/metrics" ? new HttpReply(200, PrometheusTextWriter.ContentType, metrics.Render(gauges())) : HttpReply.NotFound(path), logger));
            }
        }
        catch
        {
            foreach (var server in servers) await server.DisposeAsync();
            throw;
        }
        Log.Started(logger, Describe(ports.Health, "/liveness /readiness"), Describe(ports.Metrics, "/metrics"));
        return new AgentObservability(servers, ports);
    }

    /// <summary>The health endpoint's answer for <paramref name="path"/>: 200 or 503 with every reporter's verdict as JSON.</summary>
    public static HttpReply Health(string path, AgentMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (path is not ("/liveness" or "/readiness")) return HttpReply.NotFound(path);
        var readiness = path == "/readiness";
        var summary = AgentHealth.Evaluate(metrics.HealthSnapshot());
        var ok = readiness ? summary.Ready : summary.Live;
        return new HttpReply(ok ? 200 : 503, "application/json", summary.ToJson(readiness));
    }

    private static LoopbackHttpServer Bind(string what, ObservabilityPort port, string flag, Func<string, HttpReply> handler, ILogger logger)
    {
        try
        {
            return LoopbackHttpServer.Start(port.Port, handler, logger);
        }
        catch (SocketException e)
        {
            var why = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "is already in use (another agent in this network namespace?)",
                SocketError.AddressNotAvailable => "cannot be bound: 127.0.0.1 is not available in this network namespace (is lo up?)",
                SocketError.AccessDenied => "cannot be bound: permission denied",
                _ => $"cannot be bound: {e.Message}",
            };
            throw new AgentStartupException($"{what} port {port.Port} ({port.Source}) on 127.0.0.1 {why}: choose another with {flag} N, or {flag} 0 to turn it off");
        }
    }

    private static string Describe(ObservabilityPort port, string paths) => port.Enabled ? $"127.0.0.1:{port.Port} {paths}" : $"off ({port.Source})";

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Health {Health}; metrics {Metrics}")]
        public static partial void Started(ILogger logger, string health, string metrics);

        [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "FelixConfiguration not read (health and metrics ports from the flags and defaults): {Error}")]
        public static partial void FelixConfigurationUnread(ILogger logger, string error);
    }
}
