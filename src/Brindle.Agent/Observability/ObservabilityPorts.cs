using Brindle.Api;

namespace Brindle.Agent.Observability;

/// <summary>One endpoint's port (0: off) and where that came from, for messages (e.g. "--health-port" or "FelixConfiguration node.n1 healthPort").</summary>
public sealed record ObservabilityPort(int Port, string Source)
{
    public bool Enabled => Port != 0;
}

/// <summary>
/// Which ports the health and metrics endpoints use (pure). Precedence, per endpoint: the <c>node run</c> flag when given;
/// else FelixConfiguration <c>node.NAME</c>, then <c>default</c> (each field on its own, as Felix merges them: an
/// <c>…Enabled: false</c> turns the endpoint off, a port moves it); else Brindle's defaults, both on
/// (health 9099, metrics 9091: unlike Felix, metrics are on by default, on loopback only). <c>healthHost</c> is ignored:
/// both always bind 127.0.0.1.
/// </summary>
public sealed record ObservabilityPorts(ObservabilityPort Health, ObservabilityPort Metrics)
{
    public const int DefaultHealthPort = 9099;
    public const int DefaultMetricsPort = 9091;
    public const string HealthFlag = "--health-port";
    public const string MetricsFlag = "--metrics-port";

    /// <summary>Both off.</summary>
    public static ObservabilityPorts Off { get; } = new(new ObservabilityPort(0, HealthFlag), new ObservabilityPort(0, MetricsFlag));

    /// <summary>
    /// Resolves both ports. <paramref name="healthFlag"/>/<paramref name="metricsFlag"/> null: not given on the command line.
    /// Errors (a port outside 0-65535) name their source; the result is null then.
    /// </summary>
    public static (ObservabilityPorts? Ports, IReadOnlyList<string> Errors) Resolve(
        string nodeName, int? healthFlag, int? metricsFlag, FelixConfigurationSpec? global, FelixConfigurationSpec? node)
    {
        var errors = new List<string>();
        var health = Pick(HealthFlag, healthFlag, "healthEnabled", "healthPort", DefaultHealthPort, nodeName, global, node, s => s.HealthEnabled, s => s.HealthPort, errors);
        var metrics = Pick(MetricsFlag, metricsFlag, "prometheusMetricsEnabled", "prometheusMetricsPort", DefaultMetricsPort, nodeName, global, node,
            s => s.PrometheusMetricsEnabled, s => s.PrometheusMetricsPort, errors);
        if (health.Enabled && health.Port == metrics.Port)
        {
            errors.Add($"the health port ({health.Source}) and the metrics port ({metrics.Source}) are both {health.Port}: choose another with {MetricsFlag} N");
        }
        return errors.Count > 0 ? (null, errors) : (new ObservabilityPorts(health, metrics), errors);
    }

    private static ObservabilityPort Pick(string flag, int? flagValue, string enabledField, string portField, int defaultPort, string nodeName,
        FelixConfigurationSpec? global, FelixConfigurationSpec? node, Func<FelixConfigurationSpec, bool?> enabled, Func<FelixConfigurationSpec, int?> port,
        List<string> errors)
    {
        if (flagValue is { } given) return Checked(new ObservabilityPort(given, flag), errors);
        var nodeSource = $"FelixConfiguration node.{nodeName}";
        var (on, onSource) = node is not null && enabled(node) is { } n ? (n, $"{nodeSource} {enabledField}")
            : global is not null && enabled(global) is { } g ? (g, $"FelixConfiguration default {enabledField}")
            : (true, "the default");
        if (!on) return new ObservabilityPort(0, onSource);
        var chosen = node is not null && port(node) is { } np ? new ObservabilityPort(np, $"{nodeSource} {portField}")
            : global is not null && port(global) is { } gp ? new ObservabilityPort(gp, $"FelixConfiguration default {portField}")
            : new ObservabilityPort(defaultPort, "the default");
        return Checked(chosen, errors);
    }

    private static ObservabilityPort Checked(ObservabilityPort port, List<string> errors)
    {
        if (port.Port is < 0 or > 65535) errors.Add($"port {port.Port} ({port.Source}) is not between 0 and 65535");
        return port;
    }
}
