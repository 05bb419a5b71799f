using System.Text.Json;

namespace Brindle.Policy.Tools.Tests;

public sealed class SelectorMatchingTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("a=1", 1)]
    [InlineData("a=1, b = 2 ,c=", 3)]
    [InlineData("url=http://x?y=z", 1)]
    public void TryParseLabels_Valid_Parsed(string text, int count)
    {
        Assert.True(SelectorMatching.TryParseLabels(text, out var labels, out var error));
        Assert.Null(error);
        Assert.Equal(count, labels.Count);
    }

    [Fact]
    public void TryParseLabels_ValueWithEquals_KeepsRest()
    {
        Assert.True(SelectorMatching.TryParseLabels("url=http://x?y=z,b= 2", out var labels, out _));
        Assert.Equal("http://x?y=z", labels["url"]);
        Assert.Equal("2", labels["b"]);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("=1")]
    [InlineData("a=1,a=2")]
    [InlineData("a=1,,b=2")]
    public void TryParseLabels_Invalid_Error(string text)
    {
        Assert.False(SelectorMatching.TryParseLabels(text, out _, out var error));
        Assert.StartsWith("labels:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"selector": "a in {'x','y'}", "labels": {"a": "y"}}""", "matches", "True")]
    [InlineData("""{"selector": "a != 'x'", "labels": null}""", "matches", "True")]
    [InlineData("""{"selector": "a != 'x'", "labels": {"a": 1}}""", "error", "label 'a' must have a string value")]
    [InlineData("""{"labels": {}}""", "error", "\"selector\" must be a string")]
    [InlineData("""[1]""", "error", "expected a JSON object with \"selector\" and \"labels\"")]
    public void MatchLine_Input_AnswersWithOneJsonObject(string line, string property, string expected)
    {
        using var answer = JsonDocument.Parse(SelectorMatching.MatchLine(line));
        var properties = answer.RootElement.EnumerateObject().ToArray();
        Assert.Single(properties);
        Assert.Equal(property, properties[0].Name);
        Assert.Equal(expected, properties[0].Value.ToString());
    }

    [Fact]
    public void Caret_Error_PointsAtColumn()
    {
        Assert.False(Selector.TryParse("a == 1", out _, out var error));
        Assert.Equal("  a == 1\n       ^", SelectorMatching.Caret(error!));
    }
}

public sealed class SelectorSyntaxTests
{
    [Fact]
    public void Check_AsApiPort_NullWhenValidReasonWhenNot()
    {
        Brindle.Api.ISelectorSyntax syntax = SelectorSyntax.Instance;
        Assert.Null(syntax.Check("app == 'web'"));
        Assert.Contains("column 8", syntax.Check("app == web"), StringComparison.Ordinal);
    }
}
