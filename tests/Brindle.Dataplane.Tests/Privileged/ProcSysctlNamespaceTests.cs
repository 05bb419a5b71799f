using Brindle.Dataplane.Ports;
using Brindle.Lab.TestBed;

namespace Brindle.Dataplane.Tests.Privileged;

public sealed class ProcSysctlNamespaceTests
{
    [PrivilegedFact]
    public async Task WriteAsync_NamedNamespace_WritesThatNamespacesKeys_NotTheCallers()
    {
        await using var bed = await NamespaceTestBed.CreateAsync("dps");
        var node = await bed.CreateNodeAsync("n");
        await bed.RunAsync(node.Namespace, default, "link", "add", "bsx0", "type", "veth", "peer", "name", "bsx1");
        var writer = new ProcSysctlWriter(networkNamespace: node.Namespace);

        // bsx0 exists only inside the namespace: the write can only succeed there.
        var failed = await writer.WriteAsync([new("net.ipv4.conf.bsx0.proxy_arp", "1"), new("net.ipv4.conf.bsx9.proxy_arp", "1")]);

        Assert.Equal(["net.ipv4.conf.bsx9.proxy_arp"], failed);
        Assert.Equal("1", (await bed.ExecAsync(node, "sysctl", "-n", "net.ipv4.conf.bsx0.proxy_arp")).StandardOutput.Trim());
        Assert.False(Directory.Exists("/proc/sys/net/ipv4/conf/bsx0"));   // the caller's namespace has no such interface
    }

    [PrivilegedFact]
    public async Task WriteAsync_MissingNamespace_IsOneClearError()
    {
        var writer = new ProcSysctlWriter(networkNamespace: $"dps-{Environment.ProcessId}-missing");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync([new("net.ipv4.ip_forward", "1")]));

        Assert.Contains("Cannot enter network namespace", error.Message, StringComparison.Ordinal);
    }
}
