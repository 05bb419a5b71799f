using Brindle.Dataplane.Ports;
using Brindle.Testing;

namespace Brindle.Dataplane.Tests.Ports;

public sealed class ProcSysctlWriterTests
{
    [Fact]
    public void PathOf_SlashInAComponentIsADot()
    {
        var writer = new ProcSysctlWriter("/proc/sys");

        Assert.Equal("/proc/sys/net/ipv4/conf/eth0.100/proxy_arp", writer.PathOf("net.ipv4.conf.eth0/100.proxy_arp"));
        Assert.Equal("/proc/sys/net/ipv4/ip_forward", writer.PathOf("net.ipv4.ip_forward"));
    }

    [Fact]
    public async Task WriteAsync_WritesExistingKeys_ReportsMissingOnes()
    {
        using var root = new TempDirectory("brindle-sysctl");
        Directory.CreateDirectory(root.Combine("net/ipv4/conf/cali1"));
        File.WriteAllText(root.Combine("net/ipv4/conf/cali1/proxy_arp"), "0");
        File.WriteAllText(root.Combine("net/ipv4/ip_forward"), "0");

        var failed = await new ProcSysctlWriter(root.Path).WriteAsync(
        [
            new("net.ipv4.ip_forward", "1"),
            new("net.ipv4.conf.cali1.proxy_arp", "1"),
            new("net.ipv4.conf.cali2.proxy_arp", "1"),   // no such interface
            new("net.ipv4.conf.cali1.forwarding", "1"),  // no such key
        ]);

        Assert.Equal(["net.ipv4.conf.cali2.proxy_arp", "net.ipv4.conf.cali1.forwarding"], failed);
        Assert.False(File.Exists(root.Combine("net/ipv4/conf/cali1/forwarding")));
        Assert.Equal("1", File.ReadAllText(root.Combine("net/ipv4/ip_forward")));
        Assert.Equal("1", File.ReadAllText(root.Combine("net/ipv4/conf/cali1/proxy_arp")));
    }
}
