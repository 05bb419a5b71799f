namespace Brindle.Policy;

/// <summary>
/// Builds new selectors from parsed ones, for the calculation graph's scoping rules (Calico's rule conversion):
/// a namespaced policy's selector AND its namespace, a rule's <c>namespaceSelector</c> rewritten onto the
/// <c>pcns.</c>-prefixed namespace labels that endpoints inherit from their namespace profile.
/// </summary>
/// <remarks>Both operations work on the syntax tree (never on text), and return a parsed selector with its canonical text.</remarks>
public static class SelectorComposition
{
    /// <summary>The conjunction of the selectors, ignoring <c>all()</c> operands; <c>all()</c> if nothing is left.</summary>
    public static Selector And(params ReadOnlySpan<Selector> selectors)
    {
        var operands = new List<SelectorNode>();
        foreach (var selector in selectors)
        {
            ArgumentNullException.ThrowIfNull(selector);
            if (!selector.IsAll) operands.Add(selector.Root);
        }
        return operands.Count switch
        {
            0 => Selector.All,
            1 => Reparse(operands[0]),
            _ => Reparse(new SelectorNode.Logical(true, [.. operands])),
        };
    }

    /// <summary>The same selector with every label key prefixed (<c>env == 'x'</c> becomes <c>pcns.env == 'x'</c>).</summary>
    /// <exception cref="ArgumentException">The selector contains <c>global()</c>, which has no label form.</exception>
    public static Selector WithKeyPrefix(Selector selector, string prefix)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (selector.ContainsGlobal) throw new ArgumentException("global() cannot be rewritten onto prefixed labels", nameof(selector));
        return selector.IsAll ? selector : Reparse(Prefix(selector.Root, prefix));
    }

    private static SelectorNode Prefix(SelectorNode node, string prefix) => node switch
    {
        SelectorNode.Has has => new SelectorNode.Has(prefix + has.Key),
        SelectorNode.Compare compare => new SelectorNode.Compare(prefix + compare.Key, compare.Operator, compare.Value),
        SelectorNode.InSet inSet => new SelectorNode.InSet(prefix + inSet.Key, inSet.Negated, inSet.Values),
        SelectorNode.Not not => new SelectorNode.Not(Prefix(not.Operand, prefix)),
        SelectorNode.Logical logical => new SelectorNode.Logical(logical.IsAnd, [.. logical.Operands.Select(o => Prefix(o, prefix))]),
        _ => node,
    };

    // The canonical text always parses back to an equal tree; parsing gives us the Selector (and its caches).
    private static Selector Reparse(SelectorNode root)
    {
        var text = new System.Text.StringBuilder();
        root.Write(text);
        return Selector.Parse(text.ToString());
    }
}
