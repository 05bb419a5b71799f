using System.Net;
using System.Net.Sockets;
using Brindle.Calculation.Messages;
using Brindle.Dataplane.Nftables;
using Brindle.Lab.TestBed;
using Brindle.Platform;
using static Brindle.Dataplane.Tests.Support.Messages;

namespace Brindle.Dataplane.Tests.Privileged;

/// <summary>Drift repair, restart adoption, NAT-outgoing and IPv6 with real nftables, routes and packets.</summary>
public sealed class ReconcileTests
{
    private const string A = "10.65.0.2";
    private const string B = "10.65.0.3";
    private static readonly IPAddress IpB = IPAddress.Parse(B);

    private static DataplaneMessage[] Scenario(bool withC = false) =>
    [
        AllowAllProfile("kns.default"),
        ActivePolicy("default", "web", inbound: [Tcp(RuleAction.Allow, 80)]),
        Workload("a", "calia", A, profiles: ["kns.default"]),
        Workload("b", "calib", B, tiers: [Tier("default", ingress: ["web"])], profiles: ["kns.default"]),
        .. withC ? new DataplaneMessage[] { Workload("c", "calic", "10.65.0.4", profiles: ["kns.default"]) } : [],
    ];

    [PrivilegedFact]
    public async Task ResyncAsync_RuleAndRouteDeletedByHand_BothComeBack()
    {
        await using var h = await NodeHarness.CreateAsync("dpr");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        await h.ApplyAsync([.. Scenario(), InSync.Instance]);
        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));

        (await h.NftAsync("flush", "chain", "inet", "brindle", NftNames.Policy(new PolicyId("default", "web"), inbound: true))).EnsureSuccess(new("nft", []));
        await h.Bed.RunAsync(h.Node.Namespace, default, "route", "del", B + "/32");
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));

        // A plain apply trusts its cache; the periodic resync reads the kernel back and repairs.
        Assert.False((await h.Dataplane.ApplyAsync()).Changed);
        var report = await h.Dataplane.ResyncAsync();
        Assert.True(report.Changed);
        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.False((await h.Dataplane.ResyncAsync()).Changed);   // nothing left to repair
    }

    [PrivilegedFact]
    public async Task ResyncAsync_Unchanged_SkipsTheFullRead_ButASetElementDeletedByHandComesBack()
    {
        await using var h = await NodeHarness.CreateAsync("dpr");
        await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        await h.ApplyAsync([.. Scenario(), InSync.Instance]);
        Assert.False((await h.Nftables.ResyncAsync()).Changed);   // verifies the kernel once (full read)
        var cached = h.Nftables.Actual;

        Assert.False((await h.Nftables.ResyncAsync()).Changed);
        Assert.Same(cached, h.Nftables.Actual);   // same listing: the JSON was not read again

        // A dispatch-map element removed by hand changes the listing: the full read finds and repairs it.
        (await h.NftAsync("delete", "element", "inet", "brindle", NftNames.WorkloadToMap, "{", "\"calib\"", "}")).EnsureSuccess(new("nft", []));
        Assert.True((await h.Nftables.ResyncAsync()).Changed);
        Assert.NotSame(cached, h.Nftables.Actual);
        Assert.Contains("calib", (await h.NftAsync("list", "map", "inet", "brindle", NftNames.WorkloadToMap)).StandardOutput, StringComparison.Ordinal);
    }

    [PrivilegedFact]
    public async Task Restart_SameDesiredState_NoChurnEstablishedFlowSurvives_StaleRemovedOnlyAfterInSync()
    {
        await using var h = await NodeHarness.CreateAsync("dpr");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        await h.AddWorkloadAsync("c", "calic", "10.65.0.4");
        await h.ApplyAsync([.. Scenario(withC: true), InSync.Instance]);
        using var flow = await Probe.ConnectAsync(a, IpB, NodeHarness.TcpPort);
        Assert.NotNull(flow);
        Assert.True(await Probe.EchoAsync(flow!));

        // A new agent that no longer knows c: before InSync it must change nothing at all.
        var restarted = h.Restarted();
        foreach (var m in Scenario()) restarted.OnUpdate(m);
        var beforeSync = await restarted.ApplyAsync();
        Assert.False(beforeSync.Changed);
        Assert.True(await Probe.EchoAsync(flow!));
        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.Contains("wl-to-calic", (await h.NftAsync("list", "table", "inet", "brindle")).StandardOutput, StringComparison.Ordinal);

        restarted.OnUpdate(InSync.Instance);
        var afterSync = await restarted.ApplyAsync();
        Assert.True(afterSync.Changed);
        var table = (await h.NftAsync("list", "table", "inet", "brindle")).StandardOutput;
        Assert.DoesNotContain("wl-to-calic", table, StringComparison.Ordinal);
        Assert.Contains("wl-to-calib", table, StringComparison.Ordinal);
        Assert.True(await Probe.EchoAsync(flow!));
    }

    [PrivilegedFact]
    public async Task Prepare_ReadsTheKernelAheadOfTheFirstApply_WhichAdoptsAndLaterRepairsWhatChangedMeanwhile()
    {
        await using var h = await NodeHarness.CreateAsync("dpr");
        await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        await h.ApplyAsync([.. Scenario(), InSync.Instance]);

        // Restarted agent: the read starts before the graph has said anything (the agent's start-up order).
        var restarted = h.Restarted();
        restarted.Prepare();
        foreach (var m in Scenario()) restarted.OnUpdate(m);
        restarted.OnUpdate(InSync.Instance);
        Assert.False((await restarted.ApplyAsync()).Changed);   // the prepared read found everything in place

        // A resync does not reuse a read started before it: a route deleted after Prepare comes back.
        var again = h.Restarted();
        again.Prepare();
        foreach (var m in Scenario()) again.OnUpdate(m);
        again.OnUpdate(InSync.Instance);
        await Task.Delay(200);   // let the prepared reads finish before the kernel changes
        await h.Bed.RunAsync(h.Node.Namespace, default, "route", "del", B + "/32");
        Assert.True((await again.ResyncAsync()).Changed);
        Assert.Contains(B, (await h.Bed.ExecAsync(h.Node, "ip", "route", "show", "proto", "98")).StandardOutput, StringComparison.Ordinal);
    }

    [PrivilegedFact]
    public async Task Prepare_FreshHost_GuardDropsWorkloadsWhoseRoutesCameFirst_UntilTheirPolicyIsIn()
    {
        await using var h = await NodeHarness.CreateAsync("dpr");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        await h.AddWorkloadAsync("b", "calib", B);
        h.Nftables.Prepare();
        Assert.True(await h.Nftables.GuardsWorkloadsAsync());

        // Reachability first (what a concurrent apply may do): routes, proxy ARP, forwarding. The guard drops it all.
        foreach (var m in Scenario()) h.Routes.OnUpdate(m);
        await h.Routes.ApplyAsync();
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));

        foreach (var m in Scenario()) h.Nftables.OnUpdate(m);
        h.Nftables.OnUpdate(InSync.Instance);
        await h.Nftables.ApplyAsync();
        Assert.True(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.OtherTcpPort));   // and it is b's policy, not an open door
    }

    [PrivilegedTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ComputeOverGuard_SetsAndRulesGoInInEitherOrder_ThenDispatchMakesItTheWholeTable(bool setsFirst)
    {
        await using var h = await NodeHarness.CreateAsync("dpg");
        h.Nftables.Prepare();
        Assert.True(await h.Nftables.GuardsWorkloadsAsync());
        var model = new Brindle.Dataplane.Model.DataplaneModel();
        DataplaneMessage[] messages =
        [
            new IPSetUpdate("s:web", IPSetType.Nets, [IPSetMember.Of("10.65.0.2"), IPSetMember.Of("10.66.0.0/24")]),
            ActivePolicy("default", "web", inbound: [Tcp(RuleAction.Allow, 80) with { SrcIPSetIds = ["s:web"] }]),
            AllowAllProfile("kns.default"),
            Workload("b", "calib", B, tiers: [Tier("default", ingress: ["web"])], profiles: ["kns.default"]),
            InSync.Instance,
        ];
        foreach (var m in messages) model.OnUpdate(m);
        var desired = NftablesRenderer.Render(model);

        var split = NftablesDelta.ComputeOverGuard(desired, h.Nftables.Actual!, deleteStale: true)!;
        foreach (var script in setsFirst ? new[] { split.Sets.Script, split.Rules.Script, split.Dispatch.Script } : [split.Rules.Script, split.Sets.Script, split.Dispatch.Script])
        {
            (await ProcessCommandRunner.Instance.RunAsync(CommandSpec.Of("nft", "-f", "-").WithInput(script).InNamespace(h.Node.Namespace))).EnsureSuccess(new("nft", []));
        }

        // What the kernel now holds is exactly the desired table: a fresh driver reading it back has nothing to change.
        var reader = new NftablesDataplane(ProcessCommandRunner.Instance, h.Node.Namespace);
        foreach (var m in messages) reader.OnUpdate(m);
        Assert.False((await reader.ApplyAsync()).Changed);
        Assert.Null(NftablesDelta.ComputeOverGuard(desired, reader.Actual!, deleteStale: true));   // live now: never split again
    }

    [PrivilegedFact]
    public async Task Apply_NatOutgoingPool_MasqueradesToOutsideOnlyWhenEnabled()
    {
        await using var h = await NodeHarness.CreateAsync("dpn");
        var a = await h.AddWorkloadAsync("a", "calia", A);
        var fabric = await h.Bed.CreateNodeAsync("fabric");
        await h.Bed.ConnectUplinkAsync(h.Node, fabric, IPAddress.Parse("192.0.2.2"), IPAddress.Parse("192.0.2.1"), 24);
        h.Bed.Listen(fabric, ProtocolType.Tcp, 9000);
        var outside = IPAddress.Parse("192.0.2.1");
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            new IPPoolUpdate("pool1", IPNetwork.Parse("10.65.0.0/16"), Masquerade: false),
            Workload("a", "calia", A, profiles: ["kns.default"]),
            InSync.Instance);
        Assert.False(await Probe.TcpAsync(a, outside, 9000));   // the fabric has no route back to the pool

        await h.ApplyAsync(new IPPoolUpdate("pool1", IPNetwork.Parse("10.65.0.0/16"), Masquerade: true));
        Assert.True(await Probe.TcpAsync(a, outside, 9000));
    }

    [PrivilegedFact]
    public async Task Apply_IPv6Workloads_PolicyAndRoutesWorkForIPv6()
    {
        await using var h = await NodeHarness.CreateAsync("dp6");
        var a = await h.AddWorkloadAsync("a", "calia", A, "fd00:65::2");
        await h.AddWorkloadAsync("b", "calib", B, "fd00:65::3");
        var b6 = IPAddress.Parse("fd00:65::3");
        await h.ApplyAsync(
            AllowAllProfile("kns.default"),
            ActivePolicy("default", "web6", inbound:
            [
                new Rule(RuleAction.Allow) { Protocol = IPProtocols.Tcp, DstPorts = [PortRange.Single(80)], SrcNets = [IPNetwork.Parse("fd00:65::/64")] },
                new Rule(RuleAction.Allow) { Protocol = IPProtocols.IcmpV6, IcmpType = 128 },
            ]),
            Workload("a", "calia", A, "fd00:65::2", profiles: ["kns.default"]),
            Workload("b", "calib", B, "fd00:65::3", tiers: [Tier("default", ingress: ["web6"])], profiles: ["kns.default"]),
            InSync.Instance);

        Assert.True(await Probe.TcpAsync(a, b6, NodeHarness.TcpPort, TimeSpan.FromSeconds(2)));
        Assert.True(await Probe.PingAsync(a, b6));
        Assert.False(await Probe.TcpAsync(a, b6, NodeHarness.OtherTcpPort));
        Assert.False(await Probe.TcpAsync(a, IpB, NodeHarness.TcpPort));   // the nets are IPv6 only: IPv4 port 80 is not allowed
    }
}
