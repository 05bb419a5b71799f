using System.Net;
using System.Net.Sockets;
using Brindle.Calculation.Messages;
using Brindle.Lab.TestBed;
using Brindle.Platform;

namespace Brindle.Dataplane.Tests.Privileged;

public sealed class HostEndpointAndTestBedTests
{
    [PrivilegedFact]
    public async Task Apply_HostEndpointWithoutPolicy_OnlyFailsafePortsReachTheHost()
    {
        await using var h = await NodeHarness.CreateAsync("dph");
        var fabric = await h.Bed.CreateNodeAsync("fabric");
        await h.Bed.ConnectUplinkAsync(h.Node, fabric, IPAddress.Parse("192.0.2.2"), IPAddress.Parse("192.0.2.1"), 24);
        h.Bed.Listen(h.Node, ProtocolType.Tcp, 22);
        h.Bed.Listen(h.Node, ProtocolType.Tcp, 8080);
        h.Bed.Listen(fabric, ProtocolType.Tcp, 2379);
        h.Bed.Listen(fabric, ProtocolType.Tcp, 9000);
        var node = IPAddress.Parse("192.0.2.2");
        var outside = IPAddress.Parse("192.0.2.1");
        await h.ApplyAsync(InSync.Instance);
        Assert.True(await Probe.TcpAsync(fabric, node, 8080));   // no host endpoint yet: open

        await h.ApplyAsync(new HostEndpointUpdate(new HostEndpointId("node-uplink"), "uplink1", [node], [], [], []));
        Assert.True(await Probe.TcpAsync(fabric, node, 22));      // failsafe inbound (SSH)
        Assert.False(await Probe.TcpAsync(fabric, node, 8080));   // default deny
        Assert.True(await Probe.TcpAsync(h.Node, outside, 2379)); // failsafe outbound (etcd)
        Assert.False(await Probe.TcpAsync(h.Node, outside, 9000));
    }

    [PrivilegedFact]
    public async Task CreateAsync_LeftoverNamespaceOfDeadProcess_IsSwept()
    {
        var deadPid = Enumerable.Range(3_000_000, 1000).First(p => !Directory.Exists($"/proc/{p}"));
        var leftover = $"dbs-{deadPid}-1-old";
        var runner = ProcessCommandRunner.Instance;
        (await runner.RunAsync(CommandSpec.Of("ip", "netns", "add", leftover))).EnsureSuccess(CommandSpec.Of("ip", "netns", "add", leftover));
        try
        {
            await using var bed = await NamespaceTestBed.CreateAsync("dbs");
            var node = await bed.CreateNodeAsync("n");
            var list = (await runner.RunAsync(CommandSpec.Of("ip", "netns", "list"))).StandardOutput;
            Assert.DoesNotContain(leftover, list, StringComparison.Ordinal);
            Assert.Contains(node.Namespace, list, StringComparison.Ordinal);
        }
        finally
        {
            await runner.RunAsync(CommandSpec.Of("ip", "netns", "del", leftover));
        }
        Assert.DoesNotContain("dbs-", (await runner.RunAsync(CommandSpec.Of("ip", "netns", "list"))).StandardOutput, StringComparison.Ordinal);
    }
}
