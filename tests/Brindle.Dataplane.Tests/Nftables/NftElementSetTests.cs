using System.Net;
using Brindle.Dataplane.Nftables;
using CsCheck;

namespace Brindle.Dataplane.Tests.Nftables;

public sealed class NftElementSetTests
{
    private static readonly Gen<List<string>> Elements = Gen.Int[0, 30].Select(i => $"10.65.{i % 3}.{i}/32").List[0, 25];

    [Fact]
    public void Of_SortsOrdinallyAndDropsDuplicates()
    {
        var set = NftElementSet.Of(["10.9.0.1/32", "10.10.0.1/32", "10.9.0.1/32", "10.0.0.0/8"]);

        Assert.Equal(["10.0.0.0/8", "10.10.0.1/32", "10.9.0.1/32"], set);
        Assert.True(set.Contains("10.9.0.1/32"));
        Assert.False(set.Contains("10.9.0.2/32"));
        Assert.Same(NftElementSet.Empty, NftElementSet.Of([]));
    }

    [Fact]
    public void SetOperations_AgreeWithHashSets()
    {
        Gen.Select(Elements, Elements).Sample((a, b) =>
        {
            var left = NftElementSet.Of(a);
            var right = NftElementSet.Of(b);
            var expectedExcept = a.ToHashSet(StringComparer.Ordinal);
            expectedExcept.ExceptWith(b);

            var except = left.Except(right);
            Assert.Equal(expectedExcept.Order(StringComparer.Ordinal), except);

            var grown = right.With(except);   // right ∪ (left − right) = left ∪ right
            Assert.Equal(a.Union(b).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), grown);
            Assert.True(grown.SetEquals(NftElementSet.Of(a.Concat(b))));
            Assert.Equal(a.ToHashSet(StringComparer.Ordinal).SetEquals(b), left.SetEquals(right));
        });
    }

    [Fact]
    public void Text_MatchesIPNetworkToString()
    {
        foreach (var net in new[] { "10.65.0.7/32", "0.0.0.0/0", "fd00:10:65::7/128", "2001:db8::/32", "255.255.255.255/32" })
        {
            var parsed = IPNetwork.Parse(net);
            Assert.Equal(parsed.ToString(), NftElements.Text(parsed));
        }
    }
}
