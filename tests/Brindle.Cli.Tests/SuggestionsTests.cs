using Brindle.Api;

namespace Brindle.Cli.Tests;

public sealed class SuggestionsTests
{
    [Theory]
    [InlineData("ipool", "ippool")]
    [InlineData("IPPOOLS", null)]
    [InlineData("workloadendpiont", "workloadendpoint")]
    [InlineData("globalnetworkpolcy", "globalnetworkpolicy")]
    public void Resolve_KindTypos_SuggestNearestAlias(string typed, string? suggestion)
    {
        if (suggestion is null)
        {
            Assert.Equal(ResourceKinds.IPPool, KindNames.Resolve(typed));
            return;
        }
        var e = Assert.Throws<UserErrorException>(() => KindNames.Resolve(typed));
        Assert.Contains($"unknown resource kind '{typed}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{suggestion}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_Nonsense_ListsKnownKinds()
    {
        var e = Assert.Throws<UserErrorException>(() => KindNames.Resolve("zzzzzzzzzz"));
        Assert.Contains("known kinds: namespace, clusterinformation", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ab", "ba", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    public void Distance_KnownPairs(string a, string b, int expected) => Assert.Equal(expected, Suggestions.Distance(a, b));
}
