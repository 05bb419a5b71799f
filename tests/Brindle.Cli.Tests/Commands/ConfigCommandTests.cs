using Brindle.Testing;

namespace Brindle.Cli.Tests.Commands;

/// <summary><c>brindle config get|set|unset</c>: old calicoctl names land in today's resources, on a fresh embedded store.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("brindle-cli-config");
    private readonly CliRunner _cli;

    public ConfigCommandTests() => _cli = CliRunner.Embedded(_dir.Combine("store.db"));

    public void Dispose() => _dir.Dispose();

    private async Task<CliRun> Ok(params string[] args)
    {
        var run = await _cli.RunAsync(args);
        Assert.True(run.Exit == ExitCodes.Success, run.ToString());
        return run;
    }

    [Fact]
    public async Task Get_NothingStored_PrintsCalicoDefaults()
    {
        Assert.Equal("64512\n", (await Ok("config", "get", "asNumber")).Out);
        Assert.Equal("on\n", (await Ok("config", "get", "nodetonodemesh")).Out);
        Assert.Equal("info\n", (await Ok("config", "get", "logLevel")).Out);
        Assert.Equal("off\n", (await Ok("config", "get", "ipip")).Out);
        Assert.Equal("info (inherited from global)\n", (await Ok("config", "get", "logLevel", "--node", "node1")).Out);
    }

    [Fact]
    public async Task SetAsNumberAndMesh_CreatesThenUpdatesDefaultBgpConfiguration_KeepingOtherFields()
    {
        await File.WriteAllTextAsync(_dir.Combine("bgp.yaml"),
            "apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata: {name: default}\nspec: {serviceClusterIPs: [{cidr: 10.96.0.0/12}]}\n");
        await Ok("apply", "-f", _dir.Combine("bgp.yaml"));

        Assert.Equal("Successfully set asNumber to 64513\n", (await Ok("config", "set", "asNumber", "64513")).Out);
        await Ok("config", "set", "nodeToNodeMesh", "off");
        Assert.Equal("64513\n", (await Ok("config", "get", "asNumber")).Out);
        Assert.Equal("off\n", (await Ok("config", "get", "nodeToNodeMesh")).Out);

        var yaml = (await Ok("get", "bgpconfig", "default", "-o", "yaml")).Out;
        Assert.Contains("asNumber: 64513", yaml, StringComparison.Ordinal);
        Assert.Contains("nodeToNodeMeshEnabled: false", yaml, StringComparison.Ordinal);
        Assert.Contains("cidr: 10.96.0.0/12", yaml, StringComparison.Ordinal);

        await Ok("config", "set", "asNumber", "1.10");
        Assert.Equal("65546\n", (await Ok("config", "get", "asNumber")).Out);
        await Ok("config", "unset", "asNumber");
        Assert.Equal("64512\n", (await Ok("config", "get", "asNumber")).Out);
        Assert.DoesNotContain("asNumber", (await Ok("get", "bgpconfig", "default", "-o", "yaml")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetLogLevel_GlobalAndPerNode_WritesFelixAndBgpConfiguration()
    {
        await Ok("config", "set", "logLevel", "warning");
        await Ok("config", "set", "logLevel", "debug", "--node", "node1");

        Assert.Equal("warning\n", (await Ok("config", "get", "logLevel")).Out);
        Assert.Equal("debug\n", (await Ok("config", "get", "logLevel", "--node", "node1")).Out);
        Assert.Equal("warning (inherited from global)\n", (await Ok("config", "get", "logLevel", "--node", "node2")).Out);
        Assert.Contains("logSeverityScreen: Warning", (await Ok("get", "felixconfig", "default", "-o", "yaml")).Out, StringComparison.Ordinal);
        Assert.Contains("logSeverityScreen: Warning", (await Ok("get", "bgpconfig", "default", "-o", "yaml")).Out, StringComparison.Ordinal);
        Assert.Contains("logSeverityScreen: Debug", (await Ok("get", "felixconfig", "node.node1", "-o", "yaml")).Out, StringComparison.Ordinal);
        Assert.Contains("logSeverityScreen: Debug", (await Ok("get", "bgpconfig", "node.node1", "-o", "yaml")).Out, StringComparison.Ordinal);

        await Ok("config", "unset", "logLevel", "--node", "node1");
        Assert.Equal("warning (inherited from global)\n", (await Ok("config", "get", "logLevel", "--node", "node1")).Out);
    }

    [Fact]
    public async Task SetIpip_WritesFelixIpipEnabled_AndSameValueAgainIsANoOp()
    {
        await Ok("config", "set", "ipip", "on");
        Assert.Equal("on\n", (await Ok("config", "get", "ipip")).Out);
        var before = (await Ok("get", "felixconfig", "default", "-o", "yaml")).Out;
        Assert.Contains("ipipEnabled: true", before, StringComparison.Ordinal);
        Assert.Equal("ipip is already on\n", (await Ok("config", "set", "ipip", "ON")).Out);
        Assert.Equal(before, (await Ok("get", "felixconfig", "default", "-o", "yaml")).Out);
    }

    [Theory]
    [InlineData("unknown config name 'asnumbr' (did you mean 'asNumber'?)", "config", "set", "asnumbr", "1")]
    [InlineData("invalid value 'maybe' (expected on or off)", "config", "set", "nodeToNodeMesh", "maybe")]
    [InlineData("invalid AS number '70000.1'", "config", "set", "asNumber", "70000.1")]
    [InlineData("invalid AS number '-5'", "config", "set", "asNumber", "-5")]
    [InlineData("invalid log level 'loud'", "config", "set", "logLevel", "loud")]
    [InlineData("asNumber is cluster-wide: --node is only allowed with logLevel", "config", "set", "asNumber", "65000", "--node", "n1")]
    [InlineData("ipip is cluster-wide", "config", "get", "ipip", "--node", "n1")]
    public async Task BadNameOrValue_OneLineError_NothingWritten(string expected, params string[] args)
    {
        var run = await _cli.RunAsync(args);
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Equal(1, (await Ok("get", "bgpconfig")).Out.Count(c => c == '\n'));
        Assert.Equal("NAME\n", (await Ok("get", "felixconfig")).Out);
    }
}
