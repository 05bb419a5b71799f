using System.Net;
using CsCheck;
using Action = Brindle.Policy.PolicyModel.Action;

namespace Brindle.Policy.Evaluation.Tests;

/// <summary>The precomputed-bitset matrix (<see cref="ReachabilityMatrix.Compute"/>) against one <see cref="PolicyEvaluator.Evaluate"/> per pair.</summary>
public sealed class ReachabilityMatrixPropertyTests
{
    private static readonly string[] Namespaces = ["a", "b"];
    private static readonly string[] EndpointSelectors = ["all()", "app == 'x'", "has(app)", "tier != 'db'", "app in {'x', 'y'}", "!has(tier) || app == 'z'", "pcns.team == 't1'", "kind == 'set'"];
    private static readonly string[] NamespaceSelectors = ["all()", "team == 't1'", "global()", "!has(team)"];
    private static readonly string[] ProfileNames = ["kns.a", "kns.b", "deny-in", "missing"];

    private static Gen<Dictionary<string, string>> Labels =>
        Gen.Select(Gen.OneOf("", "x", "y", "z"), Gen.OneOf("", "web", "db"), (app, tier) =>
        {
            var labels = new Dictionary<string, string>();
            if (app.Length > 0) labels["app"] = app;
            if (tier.Length > 0) labels["tier"] = tier;
            return labels;
        });

    private static Gen<Selector> EndpointSelector => Gen.OneOf(EndpointSelectors).Select(Selector.Parse);

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : class => Gen.Frequency((2, Gen.Const(default(T))), (1, gen.Select(v => (T?)v)));

    private static Gen<IReadOnlyList<IPNetwork>> Nets => Gen.OneOf("10.0.0.0/30", "10.0.0.4/31", "10.0.0.2/32", "fd00::/126")
        .Array[1, 2].Select(n => (IReadOnlyList<IPNetwork>)[.. n.Select(IPNetwork.Parse)]);

    private static Gen<IReadOnlyList<PolicyModel.PortMatch>> Ports => Gen.OneOf(
        PolicyModel.PortMatch.Number(80), PolicyModel.PortMatch.Number(443), new PolicyModel.PortMatch(70, 90), PolicyModel.PortMatch.Named("http"))
        .Array[1, 2].Select(p => (IReadOnlyList<PolicyModel.PortMatch>)p);

    private static Gen<PolicyModel.EntityRule?> Side => Maybe(Gen.Select(
        Maybe(Nets), Maybe(Nets), Maybe(EndpointSelector), Maybe(EndpointSelector),
        Maybe(Gen.OneOf(NamespaceSelectors).Select(Selector.Parse)), Maybe(Ports), Maybe(Ports),
        (nets, notNets, selector, notSelector, nsSelector, ports, notPorts) => new PolicyModel.EntityRule(nets, notNets, selector, notSelector, nsSelector, ports, notPorts)));

    private static Gen<PolicyModel.Rule> Rule => Gen.Select(
        Gen.OneOf(Action.Allow, Action.Deny, Action.Log, Action.Pass),
        Gen.OneOf<int?>(null, null, 4, 6), Gen.OneOf<int?>(null, null, 6, 17), Gen.OneOf<int?>(null, null, null, 17),
        Side, Side,
        (action, ipVersion, protocol, notProtocol, source, destination) =>
            new PolicyModel.Rule(action, ipVersion, protocol, notProtocol, Source: source, Destination: destination));

    private static Gen<Func<int, PolicyModel.Policy>> Policy => Gen.Select(
        Gen.OneOf<string?>(null, "a", "b"), Gen.OneOf("default", "security", "open"), Gen.OneOf<double?>(null, 1, 2),
        EndpointSelector, Maybe(Gen.OneOf(NamespaceSelectors[..2]).Select(Selector.Parse)),
        Gen.Select(Gen.Bool, Gen.Bool), Rule.Array[0, 3], Rule.Array[0, 3],
        (ns, tier, order, selector, nsSelector, types, ingress, egress) => (Func<int, PolicyModel.Policy>)(index => new PolicyModel.Policy(
            $"p{index}", ns, tier, order, selector, ns is null ? nsSelector : null, types.Item1, types.Item2, ingress, egress)));

    private static Gen<Func<int, PolicyModel.Entity>> Endpoint => Gen.Select(
        Gen.OneOf(Namespaces), Labels, Gen.OneOf(ProfileNames).Array[0, 2], Gen.Bool, Gen.Int[0, 9],
        (ns, labels, profiles, http, host) => (Func<int, PolicyModel.Entity>)(index => new PolicyModel.Entity(
            PolicyModel.EntityKind.WorkloadEndpoint, ns, $"pod{index}", labels,
            // Mostly IPv4, sometimes IPv6; a few endpoints share an address with a network set's CIDR.
            [host == 0 ? IPNetwork.Parse($"fd00::{index + 1}/128") : IPNetwork.Parse($"10.0.0.{index}/32")],
            [.. profiles.Distinct()], http ? [new PolicyModel.NamedPort("http", 6, 80)] : [])));

    private static Gen<Func<int, PolicyModel.Entity>> NetworkSet => Gen.Select(Gen.OneOf<string?>(null, "a"), Labels, Nets,
        (ns, labels, nets) => (Func<int, PolicyModel.Entity>)(index => new PolicyModel.Entity(
            ns is null ? PolicyModel.EntityKind.GlobalNetworkSet : PolicyModel.EntityKind.NetworkSet, ns, $"set{index}",
            new Dictionary<string, string>(labels) { ["kind"] = "set" }, nets, [], [])));

    private static Gen<PolicyModel> Model => Gen.Select(
        Endpoint.Array[2, 8].Select(Numbered), NetworkSet.Array[0, 2].Select(Numbered), Policy.Array[0, 6].Select(Numbered),
        Gen.Bool, Gen.Bool,
        (endpoints, sets, policies, securityPasses, teamA) => new PolicyModel(
            [new("a", teamA ? new Dictionary<string, string> { ["team"] = "t1" } : []), new("b", new Dictionary<string, string> { ["team"] = "t2" })],
            [.. endpoints, .. sets],
            [new("security", 10, securityPasses), new("open", null, true)],
            policies,
            [PolicyModel.KubernetesNamespaceProfile("a"), PolicyModel.KubernetesNamespaceProfile("b"),
                new("deny-in", new Dictionary<string, string> { ["tier"] = "db" }, [new PolicyModel.Rule(Action.Deny)], [new PolicyModel.Rule(Action.Allow)])]));

    private static T[] Numbered<T>(Func<int, T>[] makers) => [.. makers.Select((make, i) => make(i))];

    [Fact]
    public void Compute_RandomClusters_EqualsOneEvaluatePerPair()
    {
        Gen.Select(Model, Gen.OneOf(6, 17, 1), Gen.OneOf(80, 443, 85)).Sample((model, protocol, port) =>
        {
            var fast = ReachabilityMatrix.Compute(new PolicyEvaluator(model), protocol, port).ToGrid();
            var slow = ReachabilityMatrix.ComputeByPairs(new PolicyEvaluator(model), protocol, port).ToGrid();
            Assert.Equal(slow, fast);
        }, iter: 3000);
    }

    [Fact]
    public void Compute_RandomClusters_AreNotAllTheSameVerdict()
    {
        // Guards the property above against a generator that only ever produces all-allow or all-deny matrices.
        var grids = Gen.Select(Model, Gen.OneOf(6, 17)).Array[200].Single()
            .Select(m => ReachabilityMatrix.ComputeByPairs(new PolicyEvaluator(m.Item1), m.Item2, 80).ToGrid())
            .ToArray();
        Assert.Contains(grids, g => g.Contains('.', StringComparison.Ordinal) && g.Contains('X', StringComparison.Ordinal));
    }
}
