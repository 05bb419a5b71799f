namespace Brindle.Policy.Selectors.Tests;

public sealed class SelectorTests
{
    private static Dictionary<string, string> L(string labels) =>
        labels.Length == 0 ? [] : labels.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

    // Match tables from libcalico-go's parser tests plus the gotchas in policy-semantics.md.
    [Theory]
    [InlineData("a == \"b\"", "a=b", true)]
    [InlineData("a == \"b\"", "a=b,c=d", true)]
    [InlineData("a == \"b\"", "", false)]
    [InlineData("a == \"b\"", "a=c", false)]
    [InlineData("a == \"b\" && c == \"d\"", "a=b,c=d", true)]
    [InlineData("a == \"b\" && c == \"d\"", "a=b,c=e", false)]
    [InlineData("a == \"b\" && c == \"d\"", "a=b", false)]
    [InlineData("a == \"b\" || c == \"d\"", "c=d", true)]
    [InlineData("a == \"b\" || c == \"d\"", "a=e,c=e", false)]
    [InlineData("a in {\"'\", '\"', \"c\"}", "a='", true)]
    [InlineData("a in {\"'\", '\"', \"c\"}", "a=\"", true)]
    [InlineData("a in {\"'\", '\"', \"c\"}", "a=e", false)]
    [InlineData("a in {\"'\", '\"', \"c\"}", "", false)]
    [InlineData("a not in {\"'\", '\"', \"c\"}", "", true)]
    [InlineData("a not in {\"'\", '\"', \"c\"}", "a=e", true)]
    [InlineData("a not in {\"'\", '\"', \"c\"}", "a=c", false)]
    [InlineData("a != 'a'", "", true)]
    [InlineData("a != 'a'", "a=a", false)]
    [InlineData("a != 'b'", "a=a", true)]
    [InlineData("a contains 'a'", "a=bab", true)]
    [InlineData("a contains 'a'", "b=aaa", false)]
    [InlineData("a starts with 'a'", "a=abb", true)]
    [InlineData("a starts with 'a'", "a=baa", false)]
    [InlineData("a ends with 'a'", "a=bba", true)]
    [InlineData("a ends with 'a'", "a=aab", false)]
    [InlineData("a startswith 'a'", "a=ab", true)]
    [InlineData("a endswith 'b'", "a=ab", true)]
    [InlineData("a notin {'x'}", "a=y", true)]
    [InlineData("!a in {\"a\"}", "a=b", true)]
    [InlineData("!a == 'a1' && b == 'b1'", "a=a1,b=b1", false)]
    [InlineData("!a == 'a1' && b == 'b1'", "a=a2,b=b1", true)]
    [InlineData("! a == 'a1' || ! b == 'b1'", "a=a1,b=b1", false)]
    [InlineData("a != 'a1' || b == 'b1'", "a=a1,b=b1", true)]
    [InlineData("has(a)", "a=b", true)]
    [InlineData("has( a )", "b=b", false)]
    [InlineData("!has(a)", "b=b", true)]
    [InlineData("!!has(b)", "a=b", false)]
    [InlineData("!!! has(a)", "a=b", false)]
    [InlineData("! !!has(a)", "a=b", false)]
    [InlineData("!(!has(a) || has(b))", "a=a", true)]
    [InlineData("!(has(b) || !has(a))", "a=a,b=x", false)]
    [InlineData("", "a=b", true)]
    [InlineData(" \t", "", true)]
    [InlineData("all()", "a=b", true)]
    [InlineData("all( )", "", true)]
    [InlineData("!all()", "a=b", false)]
    [InlineData("global()", "a=b", true)]
    [InlineData("not in {'x'}", "not=y", false)]
    [InlineData("not in {'x'}", "not=x", true)]
    [InlineData("in == 'x'", "in=x", true)]
    [InlineData("has == 'x'", "has=x", true)]
    [InlineData("a in {}", "a=", false)]
    [InlineData("a not in {}", "a=", true)]
    [InlineData("a in {'x',}", "a=x", true)]
    [InlineData("a=='x'&&b!='y'", "a=x", true)]
    [InlineData("a in{'x'}", "a=x", true)]
    [InlineData("projectcalico.org/namespace == 'ns-1'", "projectcalico.org/namespace=ns-1", true)]
    [InlineData("a == 'x' || b == 'y' && c == 'z'", "a=x", true)]
    [InlineData("a == 'x' || b == 'y' && c == 'z'", "b=y", false)]
    [InlineData("(a == 'x' || b == 'y') && c == 'z'", "a=x", false)]
    [InlineData("a == ''", "a=", true)]
    [InlineData("a == ''", "", false)]
    public void Matches_CalicoTable_SameAsCalico(string selector, string labels, bool expected)
    {
        var parsed = Selector.Parse(selector);
        var dictionary = L(labels);
        Assert.Equal(expected, parsed.Matches(dictionary));
        Assert.Equal(expected, parsed.Matches(new DictionaryLabels(dictionary)));
        Assert.Equal(expected, Selector.Parse(parsed.Canonical).Matches(dictionary));
    }

    [Theory]
    [InlineData("b == b")]
    [InlineData("b contains b")]
    [InlineData("b starts with b")]
    [InlineData("b ends with b")]
    [InlineData("'b1' == b")]
    [InlineData("b")]
    [InlineData("a b")]
    [InlineData("!")]
    [InlineData("foo == \"bar\" &")]
    [InlineData("foo == \"bar\" |")]
    [InlineData("foo != ||")]
    [InlineData("foo in {\"\", ||")]
    [InlineData("foo in \"\"")]
    [InlineData("\"FOO")]
    [InlineData("\"FOO'")]
    [InlineData("'FOO")]
    [InlineData("(")]
    [InlineData("(a == \"foo\"")]
    [InlineData(")")]
    [InlineData("()")]
    [InlineData("%")]
    [InlineData("a == \"b\" && %")]
    [InlineData("a == \"b\" || %")]
    [InlineData("a ")]
    [InlineData("has(foo) &&")]
    [InlineData("a == 1")]
    [InlineData("a == 'x'\n&& b == 'y'")]
    [InlineData("a = 'x'")]
    [InlineData("a in {,}")]
    [InlineData("a in {'x' 'y'}")]
    [InlineData("has (a)")]
    [InlineData("has(a")]
    [InlineData("all(x)")]
    [InlineData("a starts 'x'")]
    [InlineData("a not 'x'")]
    [InlineData("a == 'x' b == 'y'")]
    [InlineData("a == \\'x\\'")]
    public void TryParse_Invalid_ReturnsErrorWithinText(string selector)
    {
        Assert.False(Selector.TryParse(selector, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.InRange(error.Position, 0, selector.Length);
        Assert.Equal(selector, error.Selector);
        Assert.NotNull(SelectorSyntax.Check(selector));
        Assert.Throws<SelectorSyntaxException>(() => Selector.Parse(selector));
    }

    [Theory]
    [InlineData("a == 1", 5, "quoted string")]
    [InlineData("a == 'x' && b == 'y", 17, "unterminated string")]
    [InlineData("a == 'x'\n", 8, "only space and tab")]
    [InlineData("a = 'x'", 2, "'=='")]
    [InlineData("(a == 'x'", 9, "expected ')'")]
    [InlineData("a == 'x' )", 9, "after a complete expression")]
    [InlineData("a foo 'x'", 2, "expected an operator")]
    [InlineData("has(a) && ", 10, "end of selector")]
    [InlineData("a in {'x' 'y'}", 10, "in the set")]
    public void TryParse_Invalid_SaysWhereAndWhy(string selector, int position, string reasonPart)
    {
        Assert.False(Selector.TryParse(selector, out _, out var error));
        Assert.Equal(position, error.Position);
        Assert.Contains(reasonPart, error.Reason, StringComparison.Ordinal);
        Assert.Contains($"column {position + 1}", error.Message, StringComparison.Ordinal);
    }

    // Canonical forms and IDs from libcalico-go's canonicalisation tests.
    [Theory]
    [InlineData("", "all()", "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug")]
    [InlineData(" all() ", "all()", "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug")]
    [InlineData(" (all() )", "all()", "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug")]
    [InlineData("! (has( b)||! has(a ))", "!(has(b) || !has(a))", "s:Iss0uCleLYv1GSv_pNm7hAO58kE9jAx1NKyG3Q")]
    [InlineData("! (a == \"b\"&&! c != \"d\")", "!(a == \"b\" && !c != \"d\")", "s:lh3haoY1ikTRkd4UZu0nWSaIBknYLPJLX16d-w")]
    public void Canonical_CalicoExamples_SameTextAndUniqueId(string input, string canonical, string uniqueId)
    {
        var selector = Selector.Parse(input);
        Assert.Equal(canonical, selector.ToString());
        Assert.Equal(uniqueId, selector.UniqueId);
        Assert.Equal(uniqueId, Selector.Parse(canonical).UniqueId);
    }

    [Theory]
    [InlineData("a == \"'\"", "a == \"'\"")]
    [InlineData("a == '\"'", "a == '\"'")]
    [InlineData("a contains '\"'", "a contains '\"'")]
    [InlineData("a startswith '\"'", "a starts with '\"'")]
    [InlineData("a endswith \"'\"", "a ends with \"'\"")]
    [InlineData("a!='\"'", "a != '\"'")]
    [InlineData("a in {\"d\", \"a\", \"b\"}", "a in {\"a\", \"b\", \"d\"}")]
    [InlineData("a in {\"z\", \"z\", \"x\", \"y\", \"x\", \"a\"}", "a in {\"a\", \"x\", \"y\", \"z\"}")]
    [InlineData("a notin {}", "a not in {}")]
    [InlineData("a == 'x' && b == 'y' && c == 'z'", "(a == \"x\" && b == \"y\" && c == \"z\")")]
    [InlineData("a == 'x' || b == 'y' && c == 'z'", "(a == \"x\" || (b == \"y\" && c == \"z\"))")]
    [InlineData("!(k == 'v')", "!k == \"v\"")]
    [InlineData("!!has(a)", "has(a)")]
    [InlineData("!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))", "!(!((k == \"v\" && has(t)) || all()) && a in {\"b\", \"c\"})")]
    public void Canonical_Examples_MatchCalicoAndRoundTrip(string input, string canonical)
    {
        var selector = Selector.Parse(input);
        Assert.Equal(canonical, selector.Canonical);
        Assert.Equal(selector, Selector.Parse(canonical));
        Assert.Equal(selector.GetHashCode(), Selector.Parse(canonical).GetHashCode());
    }

    [Fact]
    public void Canonical_DoubleNegationInParens_PrintsLikeCalico()
    {
        // libcalico-go prints Not(Not(x)) as "!!x"; reading that back collapses the pair, as Calico's parser does.
        var selector = Selector.Parse("!(!has(a))");
        Assert.Equal("!!has(a)", selector.Canonical);
        Assert.Equal("has(a)", Selector.Parse(selector.Canonical).Canonical);
    }

    [Fact]
    public void LabelKeys_Expression_DistinctSorted()
    {
        var selector = Selector.Parse("z == 'a' && (has(b) || a not in {'x'}) && !z contains 'q'");
        Assert.Equal(["a", "b", "z"], selector.LabelKeys);
        Assert.Empty(Selector.All.LabelKeys);
    }

    [Fact]
    public void Flags_GlobalAndAll_Detected()
    {
        Assert.True(Selector.Parse("global()").IsGlobal);
        Assert.True(Selector.Parse("global() && a == 'b'").ContainsGlobal);
        Assert.False(Selector.Parse("global() && a == 'b'").IsGlobal);
        Assert.True(Selector.Parse("  ").IsAll);
        Assert.False(Selector.Parse("!all()").IsAll);
    }

    [Fact]
    public void Restrictions_IndexableShapes_AsCalico()
    {
        Assert.Equal(["a", "b"], Selector.Parse("a in {'b', 'a'}").Restrictions["a"].OneOf!);
        Assert.Null(Selector.Parse("a == 'x' || has(a)").Restrictions["a"].OneOf!);
        Assert.True(Selector.Parse("a == 'x' || has(a)").Restrictions["a"].MustBePresent);
        Assert.Empty(Selector.Parse("a == 'x' || b == 'y'").Restrictions);
        Assert.Empty(Selector.Parse("a == 'x' && a == 'y'").Restrictions["a"].OneOf!);
        Assert.True(Selector.Parse("!has(a)").Restrictions["a"].MustBeAbsent);
        Assert.Empty(Selector.Parse("!a == 'x'").Restrictions);
        Assert.Equal(["x", "y"], Selector.Parse("a == 'x' || a == 'y' && b == 'z'").Restrictions["a"].OneOf!);
    }

    private sealed class DictionaryLabels(Dictionary<string, string> labels) : ILabels
    {
        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value) => labels.TryGetValue(key, out value);
    }
}
