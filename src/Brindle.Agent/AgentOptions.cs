using Brindle.Agent.Registration;

namespace Brindle.Agent;

/// <summary>What <c>brindle node run</c> was asked to do. Addresses are "A/LEN" strings as Node.spec.bgp holds them.</summary>
public sealed record AgentOptions(string NodeName, string StateDirectory)
{
    public string? IPv4Address { get; init; }

    public string? IPv6Address { get; init; }

    public long? AsNumber { get; init; }

    /// <summary>Used when <see cref="IPv4Address"/> is not given (default first-found).</summary>
    public AutodetectionMethod? AutodetectionMethod { get; init; }

    /// <summary>
    /// How often the dataplane re-reads the kernel and repairs drift; null (the default) takes it from
    /// FelixConfiguration (<c>nftablesRefreshInterval</c>, else <c>iptablesRefreshInterval</c>, else
    /// <c>routeRefreshInterval</c>; 90 s when none is set; zero turns the periodic check off).
    /// </summary>
    public TimeSpan? ResyncInterval { get; init; }

    /// <summary>
    /// How often the status record is rewritten (its lease lives <see cref="StatusTtl"/>); a change of state (in
    /// sync, an apply or BGP error and its end) is written at once.
    /// </summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan StatusTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Run BIRD (false: policy and routes only).</summary>
    public bool EnableBgp { get; init; } = true;

    /// <summary>Health endpoint port on 127.0.0.1 (0: off, the default here); null: FelixConfiguration, else 9099 (what <c>node run</c> passes without <c>--health-port</c>).</summary>
    public int? HealthPort { get; init; } = 0;

    /// <summary>Prometheus endpoint port on 127.0.0.1 (0: off, the default here); null: FelixConfiguration, else 9091 (what <c>node run</c> passes without <c>--metrics-port</c>).</summary>
    public int? MetricsPort { get; init; } = 0;

    /// <summary><c>/var/run/brindle/NAME</c>.</summary>
    public static string DefaultStateDirectory(string nodeName) => Path.Combine("/var/run/brindle", nodeName);
}
