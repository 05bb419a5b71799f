namespace Brindle.Ipam.Tests;

/// <summary>A stand-in for the selector evaluator: <c>all()</c>, empty, and <c>key == 'value'</c> joined by <c>&amp;&amp;</c>.</summary>
internal static class SimpleSelector
{
    public static bool Matches(string selector, IReadOnlyDictionary<string, string> labels)
    {
        if (string.IsNullOrWhiteSpace(selector) || selector.Trim() == "all()") return true;
        return selector.Split("&&").All(term =>
        {
            var parts = term.Split("==");
            if (parts.Length != 2) throw new FormatException($"unsupported selector term '{term}'");
            return labels.TryGetValue(parts[0].Trim(), out var v) && v == parts[1].Trim().Trim('\'', '"');
        });
    }
}
