using System.Net;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Ports;
using Brindle.Dataplane.Tests.Support;
using Brindle.Platform;
using static Brindle.Dataplane.Tests.Support.Messages;

namespace Brindle.Dataplane.Routes.Tests;

public sealed class RouteDataplaneTests
{
    private sealed class RecordingSysctls : ISysctlWriter
    {
        public List<KeyValuePair<string, string>> Written { get; } = [];

        public Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default)
        {
            Written.AddRange(settings);
            return Task.FromResult<IReadOnlyList<string>>([]);
        }
    }

    private static string Batch(RecordingCommandRunner runner) => string.Join("", runner.Commands.Where(c => c.Arguments.Contains("-batch")).Select(c => c.StandardInput));

    [Fact]
    public async Task ApplyAsync_Workload_RouteWithProtocol98AndProxyArpSysctls()
    {
        var runner = new RecordingCommandRunner();
        var sysctls = new RecordingSysctls();
        var dataplane = new RouteDataplane(runner, sysctls);
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2", "fd00::2") with { Mac = "0a:58:0a:41:00:02" });
        dataplane.OnUpdate(new RouteUpdate(IPNetwork.Parse("10.65.0.0/26"), RouteType.Blackhole));
        await dataplane.ApplyAsync();

        var batch = Batch(runner);
        Assert.Contains("route replace 10.65.0.2/32 dev calia proto 98 scope link", batch, StringComparison.Ordinal);
        Assert.Contains("route replace fd00::2/128 dev calia proto 98 scope link", batch, StringComparison.Ordinal);
        Assert.Contains("route replace blackhole 10.65.0.0/26 proto 98", batch, StringComparison.Ordinal);
        Assert.Contains("neigh replace 10.65.0.2 lladdr 0a:58:0a:41:00:02 dev calia nud permanent", batch, StringComparison.Ordinal);
        Assert.Contains(new KeyValuePair<string, string>("net.ipv4.conf.calia.proxy_arp", "1"), sysctls.Written);
        Assert.Contains(new KeyValuePair<string, string>("net.ipv4.ip_forward", "1"), sysctls.Written);
    }

    [Fact]
    public async Task ApplyAsync_ForeignAndStaleRoutes_OnlyOurStaleOnesRemovedAndOnlyAfterInSync()
    {
        // The kernel already holds one of our routes for a workload that is gone (we read only proto 98 routes).
        var runner = new RecordingCommandRunner(c => c.Arguments.Contains("-4") && c.Arguments.Contains("-j")
            ? new CommandResult(0, """[{"dst":"10.65.0.9","dev":"caliold","scope":"link","flags":[]}]""", "")
            : RecordingCommandRunner.Default(c));
        var dataplane = new RouteDataplane(runner, new RecordingSysctls());
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2"));
        await dataplane.ApplyAsync();
        Assert.DoesNotContain("route del", Batch(runner), StringComparison.Ordinal);
        Assert.All(runner.Commands.Where(c => c.Arguments.Contains("show")), c => Assert.Contains("98", c.Arguments));

        dataplane.OnUpdate(InSync.Instance);
        await dataplane.ApplyAsync();
        Assert.Contains("route del 10.65.0.9/32 proto 98", Batch(runner), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_BatchFails_StaysDirtyAndRetriesAfterRereading()
    {
        var fail = true;
        var runner = new RecordingCommandRunner(c => c.Arguments.Contains("-batch") && fail ? new CommandResult(1, "", "Cannot find device \"calia\"") : RecordingCommandRunner.Default(c));
        var dataplane = new RouteDataplane(runner, new RecordingSysctls());
        dataplane.OnUpdate(Workload("a", "calia", "10.65.0.2"));
        await dataplane.ApplyAsync();
        fail = false;
        var report = await dataplane.ApplyAsync();
        Assert.True(report.Changed);
        Assert.Equal(2, runner.Commands.Count(c => c.Arguments.Contains("-batch")));
        Assert.False((await dataplane.ApplyAsync()).Changed);
    }

    [Fact]
    public void Parse_IpJsonRoutes_DeviceGatewayAndBlackhole()
    {
        var routes = IPRouteParser.Parse("""[{"dst":"10.65.0.2","dev":"calia","scope":"link","flags":[]},{"type":"blackhole","dst":"10.65.1.0/26","flags":[]},{"dst":"10.66.0.0/26","gateway":"192.0.2.3","dev":"eth0","flags":[]}]""").ToList();
        Assert.Equal(new KernelRoute(IPNetwork.Parse("10.65.0.2/32"), "calia", null, false), routes[0]);
        Assert.True(routes[1].Blackhole);
        Assert.Equal(IPAddress.Parse("192.0.2.3"), routes[2].Gateway);
    }
}
