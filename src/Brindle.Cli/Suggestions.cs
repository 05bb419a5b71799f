namespace Brindle.Cli;

/// <summary>"Did you mean …?" for mistyped kinds, verbs and flags: the closest candidates by edit distance.</summary>
internal static class Suggestions
{
    /// <summary>The candidates within a small edit distance of <paramref name="typed"/> (or that it is a prefix of), nearest first.</summary>
    public static IReadOnlyList<string> Closest(string typed, IEnumerable<string> candidates, int max = 3)
    {
        var lower = typed.ToLowerInvariant();
        var limit = Math.Max(1, Math.Min(3, lower.Length / 3 + 1));
        return
        [
            .. candidates
                .Distinct(StringComparer.Ordinal)
                .Select(c => (Candidate: c, Distance: Distance(lower, c.ToLowerInvariant())))
                .Where(x => x.Distance <= limit || (lower.Length >= 2 && x.Candidate.StartsWith(lower, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(x => x.Distance)
                .ThenBy(x => x.Candidate, StringComparer.Ordinal)
                .Take(max)
                .Select(x => x.Candidate),
        ];
    }

    /// <summary>" (did you mean 'a' or 'b'?)" or "" when nothing is close.</summary>
    public static string DidYouMean(string typed, IEnumerable<string> candidates)
    {
        var closest = Closest(typed, candidates);
        return closest.Count == 0 ? "" : $" (did you mean {string.Join(" or ", closest.Select(c => $"'{c}'"))}?)";
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
