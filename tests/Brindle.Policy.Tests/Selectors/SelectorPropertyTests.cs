using CsCheck;

namespace Brindle.Policy.Selectors.Tests;

/// <summary>Random expressions built with an independent model: text in, meaning checked against the model.</summary>
public sealed class SelectorPropertyTests
{
    private static readonly string[] Keys = ["a", "b", "app.kubernetes.io/name", "not", "in"];
    private static readonly string[] Values = ["", "x", "y", "xy", "say \"hi\""];

    /// <summary>A model expression: its text (random spacing and quotes) and its meaning.</summary>
    internal sealed record Expr(string Text, Func<Dictionary<string, string>, bool> Eval);

    private static Gen<string> Space => Gen.OneOf("", " ", "  ", "\t");

    private static Gen<string> Quoted => Gen.OneOf(Values).Select(Gen.Bool, (v, single) =>
        v.Contains('"') ? $"'{v}'" : single ? $"'{v}'" : $"\"{v}\"");

    private static Gen<Expr> Leaf =>
        Gen.Frequency(
            (3, Gen.Select(Gen.OneOf(Keys), Gen.OneOf("==", "!=", "contains", "starts with", "ends with"), Gen.OneOf(Values), Space,
                (k, op, v, s) => new Expr($"{k} {op}{s}{Q(v)}", l => Compare(l, k, op, v)))),
            (2, Gen.Select(Gen.OneOf(Keys), Gen.Bool, Gen.OneOf(Values).Array[0, 3],
                (k, negated, vs) => new Expr($"{k} {(negated ? "not in" : "in")} {{{string.Join(",", vs.Select(Q))}}}",
                    l => l.TryGetValue(k, out var v) ? vs.Contains(v) != negated : negated))),
            (2, Gen.Select(Gen.OneOf(Keys), Space, (k, s) => new Expr($"has({s}{k}{s})", l => l.ContainsKey(k)))),
            (1, Gen.Const(new Expr("all()", _ => true))));

    private static string Q(string v) => v.Contains('"') ? $"'{v}'" : $"\"{v}\"";

    private static bool Compare(Dictionary<string, string> labels, string key, string op, string value)
    {
        var present = labels.TryGetValue(key, out var v);
        return op switch
        {
            "==" => present && v == value,
            "!=" => !present || v != value,
            "contains" => present && v!.Contains(value, StringComparison.Ordinal),
            "starts with" => present && v!.StartsWith(value, StringComparison.Ordinal),
            _ => present && v!.EndsWith(value, StringComparison.Ordinal),
        };
    }

    private static Gen<Expr> Expression(int depth) => depth == 0 ? Leaf : Gen.Frequency(
        (3, Leaf),
        (1, Expression(depth - 1).Select(Space, (e, s) => new Expr($"!{s}({e.Text})", l => !e.Eval(l)))),
        (1, Gen.Select(Expression(depth - 1), Expression(depth - 1), Gen.Bool, Space,
            (x, y, and, s) => new Expr($"({x.Text}){s}{(and ? "&&" : "||")}{s}({y.Text})", l => and ? x.Eval(l) && y.Eval(l) : x.Eval(l) || y.Eval(l)))));

    private static Gen<Dictionary<string, string>> Labels =>
        Gen.Select(Gen.OneOf(Keys), Gen.OneOf(Values)).Array[0, 4]
            .Select(pairs => pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2));

    [Fact]
    public void Parse_RandomExpressions_AgreesWithModelAndCanonicalRoundTrips()
    {
        Gen.Select(Expression(3), Labels.Array[8]).Sample((expr, labelSets) =>
        {
            var selector = Selector.Parse(expr.Text);
            var reparsed = Selector.Parse(selector.Canonical);
            // As in Calico, "!(!x)" prints as "!!x", which reads back as x; from then on the text is stable.
            Assert.Equal(reparsed.Canonical, Selector.Parse(reparsed.Canonical).Canonical);
            foreach (var labels in labelSets)
            {
                var expected = expr.Eval(labels);
                Assert.Equal(expected, selector.Matches(labels));
                Assert.Equal(expected, reparsed.Matches(labels));
            }
        }, iter: 2000);
    }

    [Fact]
    public void Restrictions_RandomExpressions_NeverExcludeAMatch()
    {
        Gen.Select(Expression(3), Labels.Array[8]).Sample((expr, labelSets) =>
        {
            var selector = Selector.Parse(expr.Text);
            foreach (var labels in labelSets.Where(selector.Matches))
            {
                foreach (var (key, r) in selector.Restrictions)
                {
                    var present = labels.TryGetValue(key, out var value);
                    if (r.MustBePresent) Assert.True(present, $"{selector} requires {key}");
                    if (r.MustBeAbsent) Assert.False(present, $"{selector} forbids {key}");
                    if (r.OneOf is not null) Assert.Contains(value, r.OneOf);
                }
            }
        }, iter: 2000);
    }
}
