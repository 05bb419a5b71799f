namespace Brindle.Policy;

/// <summary>Builds the derived selectors Calico computes when it converts v3 rules and policies (see rules.go's getEndpointSelector).</summary>
internal static class SelectorRewriter
{
    public const string NamespaceLabel = "projectcalico.org/namespace";

    /// <summary>Prefix of namespace labels as seen on endpoints (Calico's kns.&lt;ns&gt; profile applies them).</summary>
    public const string NamespaceLabelPrefix = "pcns.";

    public static Selector And(Selector a, Selector b) =>
        a.IsAll ? b : b.IsAll ? a : Selector.FromNode(new SelectorNode.Logical(true, [a.Root, b.Root]));

    public static Selector InNamespace(string ns) => Selector.FromNode(new SelectorNode.Compare(NamespaceLabel, SelectorTokenKind.Eq, ns));

    /// <summary>
    /// A namespaceSelector as an endpoint selector: label keys get the <c>pcns.</c> prefix, <c>all()</c> becomes
    /// "is namespaced" (<c>has(projectcalico.org/namespace)</c>) and <c>global()</c> "is not namespaced".
    /// </summary>
    public static Selector NamespaceSelectorAsEndpointSelector(Selector namespaceSelector) =>
        Selector.FromNode(Rewrite(namespaceSelector.Root));

    private static SelectorNode Rewrite(SelectorNode node) => node switch
    {
        SelectorNode.All => new SelectorNode.Has(NamespaceLabel),
        SelectorNode.Global => new SelectorNode.Not(new SelectorNode.Has(NamespaceLabel)),
        SelectorNode.Has has => new SelectorNode.Has(NamespaceLabelPrefix + has.Key),
        SelectorNode.Compare c => new SelectorNode.Compare(NamespaceLabelPrefix + c.Key, c.Operator, c.Value),
        SelectorNode.InSet s => new SelectorNode.InSet(NamespaceLabelPrefix + s.Key, s.Negated, s.Values),
        SelectorNode.Not not => new SelectorNode.Not(Rewrite(not.Operand)),
        SelectorNode.Logical l => new SelectorNode.Logical(l.IsAnd, [.. l.Operands.Select(Rewrite)]),
        _ => throw new InvalidOperationException($"unknown selector node {node.GetType().Name}"),
    };
}
