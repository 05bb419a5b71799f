namespace Brindle.Policy;

/// <summary>A policy or profile rule list with the selectors Calico derives for each rule side (namespace scoping applied).</summary>
internal sealed class CompiledRules
{
    public CompiledRules(IReadOnlyList<PolicyModel.Rule> rules, string? policyNamespace)
    {
        Rules = rules;
        Sources = [.. rules.Select(r => new CompiledEntityRule(r.SourceRule, policyNamespace))];
        Destinations = [.. rules.Select(r => new CompiledEntityRule(r.DestinationRule, policyNamespace))];
    }

    public IReadOnlyList<PolicyModel.Rule> Rules { get; }

    public CompiledEntityRule[] Sources { get; }

    public CompiledEntityRule[] Destinations { get; }
}

/// <summary>
/// One rule side with its effective selectors, as libcalico-go's getEndpointSelector builds them: in a namespaced
/// policy any selector field (even only notSelector) limits positive matches to the policy's namespace unless a
/// namespaceSelector replaces that limit; notSelector itself is never scoped.
/// </summary>
internal sealed class CompiledEntityRule
{
    public CompiledEntityRule(PolicyModel.EntityRule rule, string? policyNamespace)
    {
        Rule = rule;
        Selector? scope = rule.NamespaceSelector is { } ns ? SelectorRewriter.NamespaceSelectorAsEndpointSelector(ns)
            : policyNamespace is not null ? SelectorRewriter.InNamespace(policyNamespace)
            : null;
        Positive = scope is not null && rule.HasSelectorFields
            ? rule.Selector is { } s ? SelectorRewriter.And(scope, s) : scope
            : rule.Selector;
        Negative = rule.NotSelector;
    }

    public PolicyModel.EntityRule Rule { get; }

    /// <summary>The peer must belong to an entity matching this (null = no selector requirement).</summary>
    public Selector? Positive { get; }

    /// <summary>The peer must belong to no entity matching this.</summary>
    public Selector? Negative { get; }

    // Per address slot of the owning evaluator: 0 unknown, 1 matches, 2 does not. Owned by one PolicyEvaluator.
#pragma warning disable CA1051 // passed by ref to the evaluator's memo helper
    internal byte[] PositiveMemo = [];
    internal byte[] NegativeMemo = [];
#pragma warning restore CA1051
}

/// <summary>A policy with its endpoint selector (namespace and namespaceSelector folded in) and compiled rules.</summary>
internal sealed class CompiledPolicy(PolicyModel.Policy policy)
{
    public PolicyModel.Policy Policy { get; } = policy;

    public Selector AppliesTo { get; } = policy.Namespace is { } ns
        ? SelectorRewriter.And(SelectorRewriter.InNamespace(ns), policy.Selector)
        : policy.NamespaceSelector is { } nsSelector
            ? SelectorRewriter.And(SelectorRewriter.NamespaceSelectorAsEndpointSelector(nsSelector), policy.Selector)
            : policy.Selector;

    public CompiledRules Ingress { get; } = new(policy.Ingress, policy.Namespace);

    public CompiledRules Egress { get; } = new(policy.Egress, policy.Namespace);
}
