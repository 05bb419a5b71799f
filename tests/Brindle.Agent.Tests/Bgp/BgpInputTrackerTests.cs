using System.Net;
using Brindle.Api;
using Brindle.Calculation;

namespace Brindle.Agent.Bgp.Tests;

public sealed class BgpInputTrackerTests
{
    private static Node NodeOf(string name, string ip) => new() { Metadata = new() { Name = name }, Spec = new() { Bgp = new() { IPv4Address = ip } } };

    private static WorkloadEndpoint Wep(string name, string node, string ip) => new()
    {
        Metadata = new() { Name = name, Namespace = "default" },
        Spec = new() { Node = node, Orchestrator = "k8s", Pod = name, Endpoint = "eth0", InterfaceName = "cali" + name, IPNetworks = [Cidr.Parse(ip + "/32")] },
    };

    private static IPPool Pool() => new() { Metadata = new() { Name = "pool1" }, Spec = new() { Cidr = Cidr.Parse("10.65.0.0/16") } };

    private static ResourceUpdate Put(Resource r) => new(r.Key, r);

    [Fact]
    public void Render_TwoNodes_MeshSessionToThePeerAndBorrowedWorkloadAddress()
    {
        var tracker = new BgpInputTracker("n1");
        tracker.OnUpdates([Put(NodeOf("n1", "10.99.0.11/24")), Put(NodeOf("n2", "10.99.0.12/24")), Put(Pool()),
            Put(Wep("a", "n1", "10.65.0.1")), Put(Wep("b", "n2", "10.65.1.1"))]);
        var (config, errors) = tracker.Render();
        Assert.Empty(errors);
        Assert.Contains("neighbor 10.99.0.12 as 64512", config, StringComparison.Ordinal);
        Assert.Equal([IPNetwork.Parse("10.65.0.1/32")], tracker.BorrowedAddresses());   // only this node's workloads
    }

    [Fact]
    public void BorrowedAddresses_InsideAnAffineBlock_AreNotBorrowed()
    {
        var tracker = new BgpInputTracker("n1");
        tracker.OnUpdates([Put(Wep("a", "n1", "10.65.0.1")), Put(Wep("c", "n1", "10.65.9.9"))]);
        tracker.OnAffinity(tracker.AffinityPrefix + "ipv4/block/10.65.0.0-26", """{"state":"confirmed","deleted":false}""");
        Assert.Equal([IPNetwork.Parse("10.65.0.0/26")], tracker.AffinityBlocks);
        Assert.Equal([IPNetwork.Parse("10.65.9.9/32")], tracker.BorrowedAddresses());
    }

    [Fact]
    public void OnAffinity_PendingThenDeleted_IsNotABlock()
    {
        var tracker = new BgpInputTracker("n1");
        var key = tracker.AffinityPrefix + "ipv4/block/10.65.0.0-26";
        tracker.OnAffinity(key, """{"state":"pending"}""");
        Assert.Empty(tracker.AffinityBlocks);
        tracker.OnAffinity(key, """{"state":"confirmed"}""");
        Assert.Single(tracker.AffinityBlocks);
        tracker.OnAffinity(key, null);
        Assert.Empty(tracker.AffinityBlocks);
    }

    [Fact]
    public void Version_UnrelatedOrRepeatedUpdates_DoNotChangeIt()
    {
        var tracker = new BgpInputTracker("n1");
        tracker.OnUpdates([Put(NodeOf("n1", "10.99.0.11/24"))]);
        var version = tracker.Version;
        tracker.OnUpdates([Put(NodeOf("n1", "10.99.0.11/24")), Put(Wep("b", "n2", "10.65.1.1"))]);
        Assert.Equal(version, tracker.Version);
        tracker.OnUpdates([Put(NodeOf("n2", "10.99.0.12/24"))]);
        Assert.NotEqual(version, tracker.Version);
    }

    [Fact]
    public void Render_NodeMissing_ReportsTheNode()
    {
        var tracker = new BgpInputTracker("n1");
        var (config, errors) = tracker.Render();
        Assert.Null(config);
        Assert.Contains(errors, e => e.Contains("n1", StringComparison.Ordinal));
    }
}
