using Brindle.Agent.Registration;
using Brindle.Api;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Agent.Observability.Tests;

/// <summary>Start-up of the endpoints on 127.0.0.1 (ephemeral ports; no agent runs).</summary>
public sealed class AgentObservabilityTests
{
    private static AgentOptions Options(int? health, int? metrics) => new("n1", "/nonexistent") { HealthPort = health, MetricsPort = metrics };

    [Fact]
    public async Task StartAsync_HealthPortInUse_OneLineNamingPortAndFlag()
    {
        await using var holder = LoopbackHttpServer.Start(0, HttpReply.NotFound, NullLogger.Instance);
        await using var kv = new InMemoryKeyValueStore();
        var e = await Assert.ThrowsAsync<AgentStartupException>(() => AgentObservability.StartAsync(Options(holder.Port, 0), kv, new AgentMetrics(),
            () => new AgentGauges(0, 0, 0, 0, 0), NullLoggerFactory.Instance, default));
        Assert.Equal($"health port {holder.Port} (--health-port) on 127.0.0.1 is already in use (another agent in this network namespace?): " +
            "choose another with --health-port N, or --health-port 0 to turn it off", e.Message);
    }

    [Fact]
    public async Task StartAsync_PortsFromFelixConfiguration_ServesBothEndpoints()
    {
        // Ephemeral ports that were free a moment ago (held, then released) stand in for FelixConfiguration's.
        int healthPort, metricsPort;
        await using (var a = LoopbackHttpServer.Start(0, HttpReply.NotFound, NullLogger.Instance))
        await using (var b = LoopbackHttpServer.Start(0, HttpReply.NotFound, NullLogger.Instance))
        {
            (healthPort, metricsPort) = (a.Port, b.Port);
        }
        await using var kv = new InMemoryKeyValueStore();
        var resources = new ResourceStore(kv);
        await resources.CreateAsync(new FelixConfiguration { Metadata = new() { Name = "default" }, Spec = new() { PrometheusMetricsPort = metricsPort } });
        await resources.CreateAsync(new FelixConfiguration { Metadata = new() { Name = "node.n1" }, Spec = new() { HealthPort = healthPort } });
        var metrics = new AgentMetrics();
        await using var endpoints = await AgentObservability.StartAsync(Options(null, null), kv, metrics, () => new AgentGauges(5, 0, 0, 0, 1),
            NullLoggerFactory.Instance, default);

        Assert.Equal(new ObservabilityPort(healthPort, "FelixConfiguration node.n1 healthPort"), endpoints.Ports.Health);
        var readiness = await LoopbackHttpServerTests.RequestAsync(healthPort, "GET /readiness HTTP/1.1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 503 ", readiness, StringComparison.Ordinal);
        Assert.Contains("waiting for the complete datastore snapshot", readiness, StringComparison.Ordinal);
        var scrape = await LoopbackHttpServerTests.RequestAsync(metricsPort, "GET /metrics HTTP/1.1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 ", scrape, StringComparison.Ordinal);
        Assert.Equal(5, AgentMetricsTests.Parse(scrape.Split("\r\n\r\n", 2)[1])["felix_active_local_endpoints"]);
    }
}
