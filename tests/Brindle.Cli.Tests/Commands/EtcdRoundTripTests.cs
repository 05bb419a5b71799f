using Brindle.Testing;

namespace Brindle.Cli.Tests.Commands;

/// <summary>The same verbs against a real etcd (Debian's etcd-server on a free loopback port).</summary>
public sealed class EtcdRoundTripTests
{
    [Fact]
    public async Task ApplyGetDelete_RealEtcd_RoundTripsAndAllOrNothing()
    {
        await using var etcd = await EtcdServer.StartAsync();
        using var dir = new TempDirectory("brindle-cli-etcd");
        var cli = CliRunner.Etcd(etcd.Endpoint);
        var good = dir.Combine("good.yaml");
        await File.WriteAllTextAsync(good,
            "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p1}\nspec: {cidr: 10.9.0.0/16, natOutgoing: true}\n---\n" +
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: deny}\nspec: {selector: all(), ingress: [{action: Deny}]}\n");
        var apply = await cli.RunAsync("apply", "-f", good);
        Assert.True(apply.Exit == 0, apply.ToString());

        var yaml = await cli.RunAsync("get", "ippool", "p1", "-o", "yaml");
        Assert.Contains("cidr: 10.9.0.0/16", yaml.Out, StringComparison.Ordinal);
        Assert.Contains("blockSize: 26", yaml.Out, StringComparison.Ordinal);
        var gnp = await cli.RunAsync("get", "gnp", "deny", "-o", "json");
        Assert.Contains("\"Ingress\"", gnp.Out, StringComparison.Ordinal);

        var bad = dir.Combine("bad.yaml");
        await File.WriteAllTextAsync(bad,
            "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p2}\nspec: {cidr: 10.8.0.0/16}\n---\n" +
            "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p3}\nspec: {cidr: 10.9.1.0/24}\n");
        var refused = await cli.RunAsync("apply", "-f", bad);
        Assert.Equal(ExitCodes.Failure, refused.Exit);
        Assert.Contains("overlaps IPPool 'p1'", refused.Error, StringComparison.Ordinal);
        Assert.Equal("NAME   CIDR          SELECTOR\np1     10.9.0.0/16   all()\n", (await cli.RunAsync("get", "ippools")).Out);

        Assert.Equal(0, (await cli.RunAsync("delete", "-f", good)).Exit);
        Assert.Equal("NAME\n", (await cli.RunAsync("get", "gnp")).Out);
    }
}
