using System.Collections.Immutable;

namespace Brindle.Dataplane.Nftables;

/// <summary>Accumulates a chain's rules and gives each its chained hash (chain name, previous hash, rule text),
/// as Calico's rule hashes do, so a rule's hash changes when anything before it in the chain changes.</summary>
public sealed class NftChainBuilder(string name, string? baseDefinition = null)
{
    private readonly ImmutableArray<NftRule>.Builder _rules = ImmutableArray.CreateBuilder<NftRule>();
    private string _previousHash = "";

    public string Name => name;

    public NftChainBuilder Add(string text)
    {
        var hash = NftNames.ShortHash(name + "\n" + _previousHash + "\n" + text, 16);
        _rules.Add(new NftRule(text, hash));
        _previousHash = hash;
        return this;
    }

    public NftChainBuilder AddRange(IEnumerable<string> texts)
    {
        foreach (var t in texts) Add(t);
        return this;
    }

    public NftChain Build() => new(name, baseDefinition, _rules.ToImmutable());
}
