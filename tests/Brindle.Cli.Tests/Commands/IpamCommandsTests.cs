using System.CommandLine;
using System.Text.Json;
using Brindle.Datastore.Kv;
using Brindle.Testing;

namespace Brindle.Cli.Commands.Tests;

public sealed class IpamCommandsTests
{
    private readonly InMemoryKeyValueStore _store = new();

    [Fact]
    public async Task Assign_JsonOutput_PrintsTheAddressesAndShowCountsThem()
    {
        await PutPoolAsync("10.0.0.0/24", 28);

        var (code, output, _) = await RunAsync("ipam", "assign", "--node", "node1", "--handle", "pod-a", "--count", "3", "-o", "json");
        var (_, show, _) = await RunAsync("ipam", "show", "--show-blocks", "-o", "json");

        Assert.Equal(ExitCodes.Success, code);
        var ips = JsonDocument.Parse(output).RootElement.GetProperty("ips").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(3, ips.Distinct().Count());
        var usage = JsonDocument.Parse(show).RootElement;
        Assert.Equal(3, usage.GetProperty("allocated").GetInt32());
        Assert.Equal("node1", usage.GetProperty("blocks")[0].GetProperty("affinity").GetString());
    }

    [Fact]
    public async Task Assign_MoreThanThePoolHolds_FailsWithOneLineAndLeavesNothing()
    {
        await PutPoolAsync("10.0.0.0/28", 28);

        var (code, _, error) = await RunAsync("ipam", "assign", "--node", "node1", "--handle", "big", "--count", "17");
        var (_, show, _) = await RunAsync("ipam", "show", "-o", "json");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("brindle: Assigned 16 of 17", error, StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(show).RootElement.GetProperty("allocated").GetInt32());
    }

    [Fact]
    public async Task Check_EndpointsMatchAllocations_IsCleanUntilAnAddressLeaks()
    {
        await PutPoolAsync("10.0.0.0/24", 26);
        await _store.PutAsync("/calico/resources/v3/projectcalico.org/nodes/node1", """{"metadata":{"name":"node1"}}""");
        var (_, assigned, _) = await RunAsync("ipam", "assign", "--node", "node1", "--handle", "pod-a", "-o", "json");
        var ip = JsonDocument.Parse(assigned).RootElement.GetProperty("ips")[0].GetString();
        await _store.PutAsync("/calico/resources/v3/projectcalico.org/workloadendpoints/default/pod-a", $$$"""{"spec":{"ipNetworks":["{{{ip}}}/32"]}}""");

        var (clean, _, _) = await RunAsync("ipam", "check");
        await RunAsync("ipam", "assign", "--node", "node1", "--handle", "leaky");
        var (leaky, report, _) = await RunAsync("ipam", "check", "-o", "json");

        Assert.Equal(ExitCodes.Success, clean);
        Assert.Equal(ExitCodes.Failure, leaky);
        Assert.Equal("leaky", JsonDocument.Parse(report).RootElement.GetProperty("leaked")[0].GetProperty("handle").GetString());
    }

    [Fact]
    public async Task ReleaseByHandleAndConfigure_WorkAndRefuseBadInput()
    {
        var (_, _, _) = await RunAsync("ipam", "assign", "--node", "n", "--handle", "h", "--pool", "10.9.0.0/24", "--ip", "10.9.0.5");

        var (released, output, _) = await RunAsync("ipam", "release", "--handle", "h");
        var (badConfig, _, configError) = await RunAsync("ipam", "configure", "--strictaffinity=false", "--max-blocks-per-host=3");
        var (goodConfig, config, _) = await RunAsync("ipam", "configure", "--strictaffinity=true", "--max-blocks-per-host=3");

        Assert.Equal(ExitCodes.Success, released);
        Assert.Contains("Released 1 addresses", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, badConfig);
        Assert.Contains("requires strictAffinity=true", configError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, goodConfig);
        Assert.Contains("MaxBlocksPerHost: 3", config, StringComparison.Ordinal);
    }

    private Task PutPoolAsync(string cidr, int blockSize) =>
        _store.PutAsync($"/calico/resources/v3/projectcalico.org/ippools/{cidr.Replace('/', '-')}",
            $$$"""{"kind":"IPPool","apiVersion":"projectcalico.org/v3","metadata":{"name":"p"},"spec":{"cidr":"{{{cidr}}}","blockSize":{{{blockSize}}}}}""");

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(new StringReader(""), output, error);
        var root = new RootCommand { IpamCommands.Build(console, (_, _) => Task.FromResult<IKeyValueStore>(new SharedKeyValueStore(_store))) };
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        return (code, output.ToString(), error.ToString());
    }
}
