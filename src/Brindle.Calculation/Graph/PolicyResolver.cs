using Brindle.Api;
using Brindle.Calculation.Messages;
using ApiTierDefaultAction = Brindle.Api.TierDefaultAction;
using TierDefaultAction = Brindle.Calculation.Messages.TierDefaultAction;

namespace Brindle.Calculation;

/// <summary>
/// Works out, for one local endpoint, the tiers that apply to it in evaluation order and, per tier, its policies per
/// direction in evaluation order (policy-semantics §3-§5).
/// </summary>
/// <remarks>
/// Inputs: the Tier resources (<see cref="UpdateTier"/>) and, per call, the compiled policies whose selectors match the
/// endpoint. Output: the <see cref="TierInfo"/> list of a <see cref="WorkloadEndpointUpdate"/>/<see cref="HostEndpointUpdate"/>.
/// Order: tiers by ascending order (an absent order last), ties by name; policies the same way, ties by name then namespace.
/// The implicit <c>default</c> tier has order 1,000,000 and default action Deny. A policy whose tier does not exist
/// stays in force in a tier of that name with default action Deny, ordered last: a missing tier can deny more but
/// never opens anything.
/// Invariant: the result depends only on the current tiers and the given policies (never on arrival order).
/// </remarks>
internal sealed class PolicyResolver
{
    private readonly Dictionary<string, Tier> _tiers = new(StringComparer.Ordinal);

    /// <summary>Records a tier (null = deleted); returns true if anything an endpoint would see changed.</summary>
    public bool UpdateTier(string name, Tier? tier)
    {
        if (tier is null) return _tiers.Remove(name);
        if (_tiers.TryGetValue(name, out var existing) && existing.Spec == tier.Spec) return false;
        _tiers[name] = tier;
        return true;
    }

    public ValueList<TierInfo> Resolve(IEnumerable<CompiledPolicy> policies)
    {
        var byTier = new Dictionary<string, List<CompiledPolicy>>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            if (!byTier.TryGetValue(policy.Id.Tier, out var list)) byTier[policy.Id.Tier] = list = [];
            list.Add(policy);
        }
        var tiers = new List<(double? Order, string Name, TierDefaultAction Action, List<CompiledPolicy> Policies)>(byTier.Count);
        foreach (var (name, list) in byTier)
        {
            var (order, action) = Describe(name);
            list.Sort(ComparePolicies);
            tiers.Add((order, name, action, list));
        }
        tiers.Sort((a, b) => CompareOrder(a.Order, a.Name, b.Order, b.Name));
        var result = new List<TierInfo>(tiers.Count);
        foreach (var (_, name, action, list) in tiers)
        {
            var ingress = list.Where(p => p.AppliesToIngress).Select(p => p.Id).ToArray();
            var egress = list.Where(p => p.AppliesToEgress).Select(p => p.Id).ToArray();
            if (ingress.Length == 0 && egress.Length == 0) continue;
            result.Add(new TierInfo(name, ingress, egress, action));
        }
        return new(result);
    }

    private (double? Order, TierDefaultAction Action) Describe(string name)
    {
        var isDefault = string.Equals(name, Tier.DefaultName, StringComparison.Ordinal);
        if (!_tiers.TryGetValue(name, out var tier))
        {
            return (isDefault ? Tier.DefaultTierOrder : null, TierDefaultAction.Deny);
        }
        var order = tier.Spec.Order ?? (isDefault ? Tier.DefaultTierOrder : null);
        var action = tier.Spec.DefaultAction == ApiTierDefaultAction.Pass ? TierDefaultAction.Pass : TierDefaultAction.Deny;
        return (order, action);
    }

    private static int ComparePolicies(CompiledPolicy a, CompiledPolicy b)
    {
        var byOrder = CompareOrder(a.Order, a.Name, b.Order, b.Name);
        return byOrder != 0 ? byOrder : string.CompareOrdinal(a.Namespace, b.Namespace);
    }

    private static int CompareOrder(double? orderA, string nameA, double? orderB, string nameB)
    {
        var byOrder = (orderA, orderB) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            var (x, y) => x.Value.CompareTo(y.Value),
        };
        return byOrder != 0 ? byOrder : string.CompareOrdinal(nameA, nameB);
    }
}
