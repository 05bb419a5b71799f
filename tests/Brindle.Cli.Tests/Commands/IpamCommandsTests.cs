using System.CommandLine;
using System.Text.Json;
using Brindle.Api;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;
using Brindle.Testing;

namespace Brindle.Cli.Commands.Tests;

public sealed class IpamCommandsTests
{
    private readonly InMemoryKeyValueStore _store = new();
    private readonly ResourceStore _resources;

    public IpamCommandsTests() => _resources = new ResourceStore(_store);

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
        await _resources.CreateAsync(new Node { Metadata = new ObjectMetadata { Name = "node1" } });
        var (_, assigned, _) = await RunAsync("ipam", "assign", "--node", "node1", "--handle", "pod-a", "-o", "json");
        var ip = JsonDocument.Parse(assigned).RootElement.GetProperty("ips")[0].GetString();
        await _resources.CreateAsync(new WorkloadEndpoint
        {
            Metadata = new ObjectMetadata { Name = "node1-k8s-pod--a-eth0", Namespace = "default" },
            Spec = new WorkloadEndpointSpec { Node = "node1", IPNetworks = new[] { Cidr.Parse($"{ip}/32") } },
        });

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

    [Fact]
    public async Task Assign_PoolNodeSelector_IsEvaluatedAgainstTheNodesLabels()
    {
        await PutPoolAsync("10.5.0.0/24", 28, "zone in {'a', 'c'} && !has(drain)");
        await PutPoolAsync("10.6.0.0/24", 28, "zone == 'b'");
        await _resources.CreateAsync(new Node { Metadata = new ObjectMetadata { Name = "in-a", Labels = new EquatableMap<string>([new("zone", "a")]) } });
        await _resources.CreateAsync(new Node { Metadata = new ObjectMetadata { Name = "in-b", Labels = new EquatableMap<string>([new("zone", "b")]) } });
        await _resources.CreateAsync(new Node { Metadata = new ObjectMetadata { Name = "draining", Labels = new EquatableMap<string>([new("zone", "a"), new("drain", "")]) } });

        var (_, a, _) = await RunAsync("ipam", "assign", "--node", "in-a", "--handle", "ha", "-o", "json");
        var (_, b, _) = await RunAsync("ipam", "assign", "--node", "in-b", "--handle", "hb", "-o", "json");
        var (draining, _, error) = await RunAsync("ipam", "assign", "--node", "draining", "--handle", "hd");

        Assert.StartsWith("10.5.0.", JsonDocument.Parse(a).RootElement.GetProperty("ips")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("10.6.0.", JsonDocument.Parse(b).RootElement.GetProperty("ips")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, draining);
        Assert.Contains("No IPv4 pool is usable for node 'draining'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssignAndReleaseRepeat_UseNumberedHandles()
    {
        await PutPoolAsync("10.7.0.0/24", 29);

        var (assigned, output, _) = await RunAsync("ipam", "assign", "--node", "n1", "--handle", "w", "--repeat", "5", "-o", "json");
        var (_, one, _) = await RunAsync("ipam", "show", "--ip", JsonDocument.Parse(output).RootElement.GetProperty("ips")[4].GetString()!, "-o", "json");
        var (released, releasedText, _) = await RunAsync("ipam", "release", "--handle", "w", "--repeat", "5");
        var (_, show, _) = await RunAsync("ipam", "show", "-o", "json");

        Assert.Equal(ExitCodes.Success, assigned);
        Assert.Equal(5, JsonDocument.Parse(output).RootElement.GetProperty("ips").EnumerateArray().Select(e => e.GetString()).Distinct().Count());
        Assert.Equal("w-4", JsonDocument.Parse(one).RootElement.GetProperty("handle").GetString());
        Assert.Equal(ExitCodes.Success, released);
        Assert.Contains("Released 5 addresses of handles w-0", releasedText, StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(show).RootElement.GetProperty("allocated").GetInt32());
    }

    private Task PutPoolAsync(string cidr, int blockSize, string? nodeSelector = null) =>
        _resources.CreateAsync(new IPPool
        {
            Metadata = new ObjectMetadata { Name = "pool-" + cidr.Replace('/', '-') },
            Spec = new IPPoolSpec { Cidr = Cidr.Parse(cidr), BlockSize = blockSize, NodeSelector = nodeSelector },
        });

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
