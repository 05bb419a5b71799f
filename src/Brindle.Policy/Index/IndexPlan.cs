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

    /// <summary>Prefers the key with the fewest allowed values, then a key that must be present.</summary>
    public static IndexPlan For(Selector selector)
    {
        IndexPlan? best = null;
        foreach (var (key, r) in selector.Restrictions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (r.MustBePresent && r.MustBeAbsent || r.OneOf is { Length: 0 }) return Never;
            if (r.OneOf is { } values)
            {
                if (best is null || best.Kind != IndexPlanKind.Values || values.Length < best.Values!.Length) best = new(IndexPlanKind.Values, key, values);
            }
            else if (r.MustBePresent && best is null)
            {
                best = new(IndexPlanKind.Key, key, null);
            }
        }
        return best ?? Unindexed;
    }
}
