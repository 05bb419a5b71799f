using Brindle.Api;

namespace Brindle.Agent.Observability.Tests;

public sealed class ObservabilityPortsTests
{
    [Fact]
    public void Resolve_NothingGiven_FelixPortsOnByDefault()
    {
        var (ports, errors) = ObservabilityPorts.Resolve("n1", null, null, null, null);
        Assert.Empty(errors);
        Assert.Equal(new ObservabilityPort(9099, "the default"), ports!.Health);
        Assert.Equal(new ObservabilityPort(9091, "the default"), ports.Metrics);
    }

    [Fact]
    public void Resolve_NodeConfigOverridesDefaultFieldByField_FlagOverridesBoth()
    {
        var global = new FelixConfigurationSpec { HealthPort = 9100, PrometheusMetricsPort = 9200, PrometheusMetricsEnabled = false };
        var node = new FelixConfigurationSpec { PrometheusMetricsEnabled = true };
        var (ports, _) = ObservabilityPorts.Resolve("n1", null, null, global, node);
        Assert.Equal(new ObservabilityPort(9100, "FelixConfiguration default healthPort"), ports!.Health);
        Assert.Equal(new ObservabilityPort(9200, "FelixConfiguration default prometheusMetricsPort"), ports.Metrics);

        (ports, _) = ObservabilityPorts.Resolve("n1", 0, 9300, global, node);
        Assert.False(ports!.Health.Enabled);
        Assert.Equal(new ObservabilityPort(9300, "--metrics-port"), ports.Metrics);
    }

    [Fact]
    public void Resolve_DisabledInFelixConfiguration_OffAndSaysWhere()
    {
        var node = new FelixConfigurationSpec { HealthEnabled = false };
        var (ports, _) = ObservabilityPorts.Resolve("n1", null, null, null, node);
        Assert.Equal(new ObservabilityPort(0, "FelixConfiguration node.n1 healthEnabled"), ports!.Health);
        Assert.True(ports.Metrics.Enabled);
    }

    [Fact]
    public void Resolve_BadOrCollidingPorts_ErrorsNameTheirSource()
    {
        var (ports, errors) = ObservabilityPorts.Resolve("n1", null, null, new FelixConfigurationSpec { HealthPort = 70000 }, null);
        Assert.Null(ports);
        Assert.Contains("port 70000 (FelixConfiguration default healthPort) is not between 0 and 65535", errors);

        (ports, errors) = ObservabilityPorts.Resolve("n1", 9091, null, null, null);
        Assert.Null(ports);
        Assert.Contains("are both 9091", Assert.Single(errors), StringComparison.Ordinal);
    }
}
