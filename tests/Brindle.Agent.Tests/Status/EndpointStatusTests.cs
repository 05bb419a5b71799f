using System.Collections.Immutable;
using System.Net;
using Brindle.Agent.Status;
using Brindle.Api;
using Brindle.Dataplane.Nftables;
using Brindle.Dataplane.Routes;

namespace Brindle.Agent.Tests.Status;

public sealed class EndpointStatusTests
{
    private static WorkloadEndpoint Workload(string name, string ifname, string ip) => new()
    {
        Metadata = new() { Name = name, Namespace = "default" },
        Spec = new() { Orchestrator = "k8s", Node = "n1", Pod = name, Endpoint = "eth0", InterfaceName = ifname, IPNetworks = [Cidr.Parse(ip + "/32")] },
    };

    private static NftTableState Chains(params string[] interfaces) => NftTableState.Missing with
    {
        TableExists = true,
        Chains = interfaces.SelectMany(i => new[] { NftNames.WorkloadFrom(i), NftNames.WorkloadTo(i) })
            .ToImmutableDictionary(n => n, n => new NftChain(n, null, []), StringComparer.Ordinal),
    };

    private static Dictionary<IPNetwork, KernelRoute> Routes(params (string Ip, string Dev)[] routes) =>
        routes.ToDictionary(r => IPNetwork.Parse(r.Ip + "/32"), r => new KernelRoute(IPNetwork.Parse(r.Ip + "/32"), r.Dev, null, false));

    [Fact]
    public void Compute_ChainsAndRoutes_Up_MissingPieces_Pending_FailClosed_Error()
    {
        var endpoints = new[]
        {
            Workload("web", "caliweb", "10.65.0.1"),
            Workload("db", "calidb", "10.65.0.2"),        // chains, but its route is missing (interface not there yet)
            Workload("new", "calinew", "10.65.0.3"),      // not programmed at all yet
            Workload("broken", "calibrk", "10.65.0.4"),   // programmed fail-closed
        };
        var nft = Chains("caliweb", "calidb", "calibrk");
        var failClosed = new HashSet<string> { NftNames.WorkloadTo("calibrk") };
        var routes = Routes(("10.65.0.1", "caliweb"), ("10.65.0.4", "calibrk"), ("10.65.0.2", "other"));

        var statuses = EndpointStatusCalculator.Compute(endpoints, nft, failClosed, routes).ToDictionary(s => s.Name);

        Assert.Equal(EndpointState.Up, statuses["web"].Status);
        Assert.Null(statuses["web"].Reason);
        Assert.Equal(EndpointState.Pending, statuses["db"].Status);
        Assert.Contains("calidb", statuses["db"].Reason, StringComparison.Ordinal);
        Assert.Equal(EndpointState.Pending, statuses["new"].Status);
        Assert.Contains("policy", statuses["new"].Reason, StringComparison.Ordinal);
        Assert.Equal(EndpointState.Error, statuses["broken"].Status);
        Assert.Contains("dropped", statuses["broken"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_BeforeAnyApply_AllPending()
    {
        var statuses = EndpointStatusCalculator.Compute([Workload("web", "caliweb", "10.65.0.1")], null, new HashSet<string>(), null);

        Assert.Equal(EndpointState.Pending, Assert.Single(statuses).Status);
    }

    [Fact]
    public void Record_RoundTripsThroughJson_KeyedByNodeNamespaceAndName()
    {
        var record = new EndpointStatusRecord("default", "web", "caliweb", EndpointState.Error, "why");

        Assert.Equal(record, EndpointStatusRecord.FromJson(record.ToJson()));
        Assert.Contains("\"status\":\"error\"", record.ToJson(), StringComparison.Ordinal);
        Assert.Equal("/brindle/status/endpoints/n1/default/web", EndpointStatusRecord.KeyFor("n1", "default", "web"));
        Assert.Null(EndpointStatusRecord.FromJson("{not json"));
    }
}
