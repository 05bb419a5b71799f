using System.Net;

namespace Brindle.Lab.Tests;

public sealed class LabLayoutTests
{
    [Fact]
    public void NodeName_DefaultLab_IsPlainNodeK()
    {
        var layout = new LabLayout(new LabOptions());
        Assert.Equal("node1", layout.NodeName(1));
        Assert.Equal("brindle-fabric", layout.FabricNamespace);
        Assert.Equal(IPAddress.Parse("172.31.0.11"), layout.NodeAddress(1));
        Assert.Equal(IPAddress.Parse("172.31.0.1"), layout.Gateway);
    }

    [Fact]
    public void NodeName_NamedLab_IsPrefixed()
    {
        var layout = new LabLayout(new LabOptions { Name = "lab2", Underlay = IPNetwork.Parse("10.99.0.0/24"), Pool = IPNetwork.Parse("10.100.0.0/16") });
        Assert.Equal("lab2-node3", layout.NodeName(3));
        Assert.Equal(IPAddress.Parse("10.99.0.13"), layout.NodeAddress(3));
        Assert.Equal("lab2-w-cali123", layout.WorkloadNamespace("cali123"));
    }

    [Theory]
    [InlineData("brindle", "node1", true)]
    [InlineData("brindle", "node12", true)]
    [InlineData("brindle", "node1x", false)]
    [InlineData("brindle", "node", false)]
    [InlineData("brindle", "brindle-fabric", true)]
    [InlineData("brindle", "brindle-w-cali0ef24b1", true)]
    [InlineData("brindle", "bt-123-1-node1", false)]
    [InlineData("lab", "lab-node2", true)]
    [InlineData("lab", "lab2-node2", false)]
    [InlineData("lab", "node2", false)]
    [InlineData("lab", "lab2-fabric", false)]
    public void BelongsTo_FollowsNamingScheme(string lab, string ns, bool expected) =>
        Assert.Equal(expected, LabLayout.BelongsTo(lab, ns));

    [Fact]
    public void MapNode_DefaultNamesWrapAroundNodeCount()
    {
        var layout = new LabLayout(new LabOptions { Name = "x", Nodes = 2 });
        Assert.Equal("x-node1", layout.MapNode("node1"));
        Assert.Equal("x-node1", layout.MapNode("node3"));
        Assert.Equal("elsewhere", layout.MapNode("elsewhere"));
        Assert.Equal(2, layout.NodeIndex("x-node2"));
        Assert.Null(layout.NodeIndex("x-node3"));
    }

    [Fact]
    public void NodeAs_AsPerRack_DistinctPerNode_ElseClusterAs()
    {
        var rack = new LabLayout(new LabOptions { Bgp = LabBgpMode.AsPerRack });
        Assert.Equal([65001u, 65002u, 65003u], Enumerable.Range(1, 3).Select(rack.NodeAs));
        var mesh = new LabLayout(new LabOptions());
        Assert.All(Enumerable.Range(1, 3), k => Assert.Equal(LabLayout.ClusterAs, mesh.NodeAs(k)));
    }

    [Fact]
    public void Validate_ReportsEveryProblem()
    {
        var errors = new LabOptions
        {
            Name = "Bad_Name", Nodes = 0, EtcdMembers = 2, Pool = IPNetwork.Parse("172.31.0.0/16"), Underlay = IPNetwork.Parse("172.31.0.0/24"),
        }.Validate();
        Assert.Contains(errors, e => e.Contains("--name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("--nodes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("--etcd-members", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("overlap", StringComparison.Ordinal));
        Assert.Empty(new LabOptions().Validate());
    }

    [Fact]
    public void Validate_UnderlayTooSmallForNodes()
    {
        var errors = new LabOptions { Nodes = 10, Underlay = IPNetwork.Parse("172.31.0.0/28") }.Validate();
        Assert.Contains(errors, e => e.Contains("too small", StringComparison.Ordinal));
    }

    [Fact]
    public void State_RoundTripsThroughJson()
    {
        var state = new LabState { Options = LabOptionsRecord.From(new LabOptions { Name = "rt", Bgp = LabBgpMode.RouteReflector }) }
            .WithNamespace("rt-node1")
            .WithProcess(new LabProcess("agent rt-node1", 42, "rt-node1", "node run --name rt-node1 ", "/tmp/x.log"))
            .WithWorkload(new LabWorkload("default", "web", "rt-node1", "cali1", "rt-w-cali1", "192.168.0.1", "0a:58:00:00:00:01", "lab.default.web"));
        var back = LabState.Deserialize(LabState.Serialize(state))!;
        Assert.Equal(state.Namespaces, back.Namespaces);
        Assert.Equal(state.Processes, back.Processes);
        Assert.Equal(state.Workloads, back.Workloads);
        Assert.Equal(LabBgpMode.RouteReflector, back.ToOptions().Bgp);
        var removed = back.WithoutWorkload(back.Workloads[0]);
        Assert.Empty(removed.Workloads);
    }
}
