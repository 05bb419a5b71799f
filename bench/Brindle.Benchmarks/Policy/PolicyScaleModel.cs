using System.Net;
using Brindle.Policy;

namespace Brindle.Benchmarks.Policy;

/// <summary>Synthetic clusters shared by the policy benchmarks and the <c>policy</c> scale harness.</summary>
internal static class PolicyScaleModel
{
    /// <summary>
    /// <paramref name="endpoints"/> workload endpoints in 10 namespaces (labels app=app0..49, tier=t0..2) and
    /// <paramref name="policies"/> namespaced policies: each selects one app and allows TCP 80 (or 443) from another
    /// app, some deny a tier first, every tenth sits in an earlier tier and passes.
    /// </summary>
    public static PolicyModel Build(int endpoints, int policies)
    {
        const int Namespaces = 10;
        var namespaces = Enumerable.Range(0, Namespaces).Select(n => new PolicyModel.Namespace($"ns{n}", new Dictionary<string, string> { ["team"] = $"team{n % 3}" })).ToArray();
        var entities = Enumerable.Range(0, endpoints).Select(i => new PolicyModel.Entity(
            PolicyModel.EntityKind.WorkloadEndpoint, $"ns{i % Namespaces}", $"pod{i}",
            new Dictionary<string, string> { ["app"] = $"app{i % 50}", ["tier"] = $"t{i % 3}" },
            [new IPNetwork(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), 32)],
            [$"kns.ns{i % Namespaces}"], [])).ToArray();
        var list = new List<PolicyModel.Policy>();
        for (var p = 0; p < policies; p++)
        {
            var from = new PolicyModel.EntityRule(Selector: Selector.Parse($"app == 'app{(p * 7) % 50}'"), NamespaceSelector: p % 4 == 0 ? Selector.Parse($"team == 'team{p % 3}'") : null);
            var allow = new PolicyModel.Rule(PolicyModel.Action.Allow, Protocol: 6, Source: from,
                Destination: new PolicyModel.EntityRule(Ports: [PolicyModel.PortMatch.Number(p % 2 == 0 ? 80 : 443)]));
            PolicyModel.Rule[] rules = p % 5 == 0
                ? [new PolicyModel.Rule(PolicyModel.Action.Deny, Source: new PolicyModel.EntityRule(Selector: Selector.Parse($"tier == 't{p % 3}'"))), allow]
                : p % 10 == 1 ? [new PolicyModel.Rule(PolicyModel.Action.Pass)] : [allow];
            list.Add(new PolicyModel.Policy($"policy-{p}", $"ns{p % Namespaces}", p % 10 == 1 ? "platform" : "default", p % 100,
                Selector.Parse($"app == 'app{p % 50}'"), null, true, p % 3 == 0, rules, p % 3 == 0 ? [new PolicyModel.Rule(PolicyModel.Action.Allow)] : []));
        }
        return new PolicyModel(namespaces, entities, [new PolicyModel.Tier("platform", 100, false)], list,
            [.. namespaces.Select(n => PolicyModel.KubernetesNamespaceProfile(n.Name))]);
    }
}
