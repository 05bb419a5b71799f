using Brindle.Api;
using Brindle.Calculation.Messages;
using Brindle.Policy;

namespace Brindle.Calculation;

/// <summary>Compiles policies and profiles (see <see cref="RuleCompiler"/>); null means "invalid", which the graph treats as absent.</summary>
internal static class PolicyCompiler
{
    public static CompiledPolicy? Compile(Resource resource)
    {
        try
        {
            return resource switch
            {
                NetworkPolicy p => Compile(p.Spec, p.Name, p.Namespace ?? "", SelectorComposition.And(ParseOrAll(p.Spec.Selector), RuleCompiler.InNamespace(p.Namespace ?? "")), PolicyHook.Normal),
                GlobalNetworkPolicy g => Compile(g.Spec, g.Name, "", GlobalSelector(g.Spec), Hook(g.Spec)),
                _ => null,
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    public static CompiledProfile? Compile(Profile profile)
    {
        try
        {
            var sets = new List<IPSetDefinition>();
            var inbound = RuleCompiler.CompileAll(profile.Spec.Ingress, null, sets);
            var outbound = RuleCompiler.CompileAll(profile.Spec.Egress, null, sets);
            return new CompiledProfile(profile.Name, inbound, outbound, sets);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Calico's default when <c>types</c> is omitted: egress only if there are egress rules and no ingress rules; both if both; else ingress.</summary>
    public static (bool Ingress, bool Egress) EffectiveTypes(PolicySpec spec)
    {
        if (!spec.Types.IsEmpty) return (spec.Types.Contains(PolicyType.Ingress), spec.Types.Contains(PolicyType.Egress));
        if (spec.Egress.IsEmpty) return (true, false);
        return (!spec.Ingress.IsEmpty, true);
    }

    private static CompiledPolicy Compile(PolicySpec spec, string name, string ns, Selector selector, PolicyHook hook)
    {
        var (ingress, egress) = EffectiveTypes(spec);
        var sets = new List<IPSetDefinition>();
        var policyNamespace = ns.Length > 0 ? ns : null;
        var inbound = ingress ? RuleCompiler.CompileAll(spec.Ingress, policyNamespace, sets) : default;
        var outbound = egress ? RuleCompiler.CompileAll(spec.Egress, policyNamespace, sets) : default;
        var id = new PolicyId(spec.TierName, policyNamespace is null ? name : $"{ns}/{name}");
        return new CompiledPolicy(id, spec.Order, name, ns, selector, ingress, egress, hook, inbound, outbound, sets);
    }

    private static Selector GlobalSelector(GlobalNetworkPolicySpec spec)
    {
        var selector = ParseOrAll(spec.Selector);
        return string.IsNullOrWhiteSpace(spec.NamespaceSelector)
            ? selector
            : SelectorComposition.And(selector, RuleCompiler.NamespaceScope(Selector.Parse(spec.NamespaceSelector)));
    }

    private static PolicyHook Hook(GlobalNetworkPolicySpec spec) =>
        spec.DoNotTrack == true ? PolicyHook.Untracked : spec.PreDnat == true ? PolicyHook.PreDnat : PolicyHook.Normal;

    private static Selector ParseOrAll(string? text) => string.IsNullOrWhiteSpace(text) ? Selector.All : Selector.Parse(text);
}
