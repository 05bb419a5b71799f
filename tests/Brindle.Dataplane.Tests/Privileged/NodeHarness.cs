using System.Net;
using System.Net.Sockets;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Nftables;
using Brindle.Dataplane.Ports;
using Brindle.Dataplane.Routes;
using Brindle.Lab.TestBed;
using Brindle.Platform;

namespace Brindle.Dataplane.Tests.Privileged;

/// <summary>
/// One node namespace with an <see cref="NftablesDataplane"/> running inside it, and helpers to add workloads
/// (namespaces + the matching endpoint message) that listen on TCP 80/8080 and UDP 53.
/// </summary>
internal sealed class NodeHarness : IAsyncDisposable
{
    public const int TcpPort = 80;
    public const int OtherTcpPort = 8080;
    public const int UdpPort = 53;

    private NodeHarness(NamespaceTestBed bed, TestNode node)
    {
        Bed = bed;
        Node = node;
        Nftables = new NftablesDataplane(ProcessCommandRunner.Instance, node.Namespace);
        Routes = new RouteDataplane(ProcessCommandRunner.Instance, new ProcSysctlWriter(networkNamespace: node.Namespace), node.Namespace);
        Dataplane = new CompositeDataplane([Nftables, Routes]);
    }

    public RouteDataplane Routes { get; }

    public CompositeDataplane Dataplane { get; }

    public NamespaceTestBed Bed { get; }

    public TestNode Node { get; }

    public NftablesDataplane Nftables { get; }

    public static async Task<NodeHarness> CreateAsync(string prefix)
    {
        var bed = await NamespaceTestBed.CreateAsync(prefix);
        try
        {
            return new NodeHarness(bed, await bed.CreateNodeAsync("node"));
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates the workload namespace (listening) and returns it; the endpoint message is the caller's.</summary>
    public async Task<TestWorkload> AddWorkloadAsync(string name, string interfaceName, string ipv4, string? ipv6 = null)
    {
        var workload = await Bed.CreateWorkloadAsync(Node, name, interfaceName, IPAddress.Parse(ipv4), ipv6 is null ? null : IPAddress.Parse(ipv6), hostRoutes: false);
        Bed.Listen(workload, ProtocolType.Tcp, TcpPort);
        Bed.Listen(workload, ProtocolType.Tcp, OtherTcpPort);
        Bed.Listen(workload, ProtocolType.Udp, UdpPort);
        return workload;
    }

    public async Task ApplyAsync(params DataplaneMessage[] messages)
    {
        foreach (var m in messages) Dataplane.OnUpdate(m);
        await Dataplane.ApplyAsync();
    }

    public Task<CommandResult> NftAsync(params string[] args) =>
        ProcessCommandRunner.Instance.RunAsync(new CommandSpec("nft", args).InNamespace(Node.Namespace));

    /// <summary>A fresh dataplane pair for the same node, as after an agent restart.</summary>
    public CompositeDataplane Restarted() => CompositeDataplane.ForLinux(ProcessCommandRunner.Instance, Node.Namespace);

    public ValueTask DisposeAsync() => Bed.DisposeAsync();
}
