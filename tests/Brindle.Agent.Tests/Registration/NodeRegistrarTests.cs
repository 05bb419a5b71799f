using System.Net.Sockets;
using Brindle.Api;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;
using Brindle.Platform;

namespace Brindle.Agent.Registration.Tests;

public sealed class NodeRegistrarTests
{
    private static readonly NodeAddresses Addresses = new(NodeRegistrar.ParseGiven("10.99.0.11/24", AddressFamily.InterNetwork, "--ip"), null);

    [Fact]
    public async Task RegisterAsync_NewNode_CreatesWithHostnameLabelAndBgpAddress()
    {
        await using var kv = new InMemoryKeyValueStore();
        var store = new ResourceStore(kv);
        await NodeRegistrar.RegisterAsync(store, "node1", Addresses, 64513, default);
        var node = await store.GetAsync<Node>("node1");
        Assert.NotNull(node);
        Assert.Equal("node1", node.Metadata.Labels[NodeRegistrar.HostnameLabel]);
        Assert.Equal("10.99.0.11/24", node.Spec.Bgp!.IPv4Address);
        Assert.Equal(64513, node.Spec.Bgp.AsNumber);
    }

    [Fact]
    public async Task RegisterAsync_ExistingNode_KeepsOtherFieldsAndUpdatesAddress()
    {
        await using var kv = new InMemoryKeyValueStore();
        var store = new ResourceStore(kv);
        await store.CreateAsync(new Node
        {
            Metadata = new() { Name = "node1", Labels = new EquatableMap<string>([new("rack", "r1")]) },
            Spec = new() { Bgp = new() { IPv4Address = "10.0.0.1/24", AsNumber = 65001, RouteReflectorClusterId = "1.0.0.1" } },
        });
        await NodeRegistrar.RegisterAsync(store, "node1", Addresses, null, default);
        var node = (await store.GetAsync<Node>("node1"))!;
        Assert.Equal("r1", node.Metadata.Labels["rack"]);
        Assert.Equal("node1", node.Metadata.Labels[NodeRegistrar.HostnameLabel]);
        Assert.Equal("10.99.0.11/24", node.Spec.Bgp!.IPv4Address);
        Assert.Equal(65001, node.Spec.Bgp.AsNumber);   // --as not given: the AS set earlier stays
        Assert.Equal("1.0.0.1", node.Spec.Bgp.RouteReflectorClusterId);
    }

    [Fact]
    public async Task RegisterAsync_Unchanged_DoesNotWrite()
    {
        await using var kv = new InMemoryKeyValueStore();
        var store = new ResourceStore(kv);
        var first = await NodeRegistrar.RegisterAsync(store, "node1", Addresses, null, default);
        var second = await NodeRegistrar.RegisterAsync(store, "node1", Addresses, null, default);
        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1/32")]
    [InlineData("10.0.0.1/24", "10.0.0.1/24")]
    public void ParseGiven_Address_KeepsHostBitsAndDefaultsToHostPrefix(string text, string expected) =>
        Assert.Equal(expected, NodeRegistrar.ParseGiven(text, AddressFamily.InterNetwork, "--ip").ToString());

    [Theory]
    [InlineData("fd00::1/64")]
    [InlineData("10.0.0.1/33")]
    [InlineData("nonsense")]
    public void ParseGiven_Invalid_ThrowsNamingTheFlag(string text)
    {
        var e = Assert.Throws<AgentStartupException>(() => NodeRegistrar.ParseGiven(text, AddressFamily.InterNetwork, "--ip"));
        Assert.Contains("--ip", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAddressesAsync_TwoUplinks_FailsListingBothCandidates()
    {
        const string json = """
            [{"ifname":"lo","flags":["LOOPBACK","UP"],"addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},
             {"ifname":"eth0","flags":["UP"],"addr_info":[{"family":"inet","local":"10.1.0.5","prefixlen":24,"scope":"global"}]},
             {"ifname":"eth1","flags":["UP"],"addr_info":[{"family":"inet","local":"10.2.0.5","prefixlen":24,"scope":"global"}]}]
            """;
        var runner = new ScriptedRunner(c => c.FileName == "ip" ? new CommandResult(0, json, "") : new CommandResult(1, "", "unexpected"));
        var e = await Assert.ThrowsAsync<AgentStartupException>(() => NodeRegistrar.ResolveAddressesAsync(new AgentOptions("n1", "/tmp/x"), runner, default));
        Assert.Contains("10.1.0.5/24 on eth0", e.Message, StringComparison.Ordinal);
        Assert.Contains("10.2.0.5/24 on eth1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task ResolveAddressesAsync_CanReach_UsesTheRouteSource()
    {
        const string addrs = """
            [{"ifname":"eth0","flags":["UP"],"addr_info":[{"family":"inet","local":"10.1.0.5","prefixlen":24,"scope":"global"}]},
             {"ifname":"eth1","flags":["UP"],"addr_info":[{"family":"inet","local":"10.2.0.5","prefixlen":24,"scope":"global"}]}]
            """;
        const string route = """[{"dst":"10.2.0.1","dev":"eth1","prefsrc":"10.2.0.5","flags":[]}]""";
        var runner = new ScriptedRunner(c => c.Arguments.Contains("route") ? new CommandResult(0, route, "") : new CommandResult(0, addrs, ""));
        Assert.True(AutodetectionMethod.TryParse("can-reach=10.2.0.1", out var method, out _));
        var result = await NodeRegistrar.ResolveAddressesAsync(new AgentOptions("n1", "/tmp/x") { AutodetectionMethod = method }, runner, default);
        Assert.Equal("10.2.0.5/24", result.IPv4!.ToString());
    }
}

/// <summary>Answers commands from a function and records them (thread-safe: the agent's loops run concurrently).</summary>
internal sealed class ScriptedRunner(Func<CommandSpec, CommandResult> handler) : ICommandRunner
{
    private readonly List<CommandSpec> _commands = [];

    public IReadOnlyList<CommandSpec> Commands
    {
        get { lock (_commands) return [.. _commands]; }
    }

    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken = default)
    {
        lock (_commands) _commands.Add(command);
        return Task.FromResult(handler(command));
    }
}
