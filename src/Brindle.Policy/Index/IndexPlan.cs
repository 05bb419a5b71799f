namespace Brindle.Policy;

internal enum IndexPlanKind
{
    /// <summary>The selector can match nothing (e.g. <c>a == 'x' &amp;&amp; a == 'y'</c>); never a candidate.</summary>
    Never,

    /// <summary>Filed under each (key, value) it requires: only items with one of those values are candidates.</summary>
    Values,

    /// <summary>Filed under a key it requires to be present: only items with that key are candidates.</summary>
    Key,

    /// <summary>No usable restriction (<c>all()</c>, <c>!has(k)</c>, <c>k != 'v'</c>, an <c>||</c> of different keys): every item is a candidate.</summary>
    Unindexed,
}

/// <summary>How a selector is filed in a <see cref="LabelIndex{TSelectorId,TItemId}"/>, chosen from its <see cref="LabelRestriction"/>s.</summary>
internal sealed record IndexPlan(IndexPlanKind Kind, string? Key, string[]? Values)
{
    public static readonly IndexPlan Never = new(IndexPlanKind.Never, null, null);

    public static readonly IndexPlan Unindexed = new(IndexPlanKind.Unindexed, null, null);

    /// <summary>
    /// Prefers a key that names values over one that must only be present; among those, a key of the user's own over
    /// one of Calico's automatic keys (<see cref="IsBroad"/>), then the fewest allowed values. A namespaced rule's
    /// selector is <c>(role == 'db') &amp;&amp; projectcalico.org/namespace == 'ns'</c>: filing it under the namespace
    /// would make every endpoint of the namespace evaluate every rule selector of the namespace.
    /// </summary>
    public static IndexPlan For(Selector selector)
    {
        IndexPlan? best = null;
        foreach (var (key, r) in selector.Restrictions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (r.MustBePresent && r.MustBeAbsent || r.OneOf is { Length: 0 }) return Never;
            if (r.OneOf is { } values)
            {
                if (best is null || best.Kind != IndexPlanKind.Values || Better(key, values, best.Key!, best.Values!)) best = new(IndexPlanKind.Values, key, values);
            }
            else if (r.MustBePresent && (best is null || best.Kind == IndexPlanKind.Key && IsBroad(best.Key!) && !IsBroad(key)))
            {
                best = new(IndexPlanKind.Key, key, null);
            }
        }
        return best ?? Unindexed;
    }

    /// <summary>
    /// Keys every endpoint of a namespace (or of an orchestrator, or of a service account) shares: the namespace,
    /// orchestrator and service-account labels Calico adds, and namespace/service-account labels inherited through
    /// their profiles (<c>pcns.</c>, <c>pcsa.</c>).
    /// </summary>
    internal static bool IsBroad(string key) =>
        key.StartsWith("projectcalico.org/", StringComparison.Ordinal)
        || key.StartsWith(SelectorRewriter.NamespaceLabelPrefix, StringComparison.Ordinal)
        || key.StartsWith("pcsa.", StringComparison.Ordinal);

    private static bool Better(string key, string[] values, string bestKey, string[] bestValues)
    {
        var broad = IsBroad(key);
        var bestBroad = IsBroad(bestKey);
        if (broad != bestBroad) return !broad;
        return values.Length < bestValues.Length;
    }
}
