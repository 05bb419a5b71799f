using System.Collections.Immutable;

namespace Brindle.Dataplane.Nftables;

/// <summary>One rule: its nft text (without comment) and its chained hash, which is written as the rule's
/// <c>comment "brindle:HASH"</c> and is all that is compared with the kernel's copy.</summary>
public readonly record struct NftRule(string Text, string Hash);

/// <summary>A chain; <paramref name="BaseDefinition"/> is set for base chains (e.g. <c>type filter hook forward priority filter; policy accept;</c>).</summary>
public sealed record NftChain(string Name, string? BaseDefinition, ImmutableArray<NftRule> Rules)
{
    public bool SameRules(NftChain other) =>
        Rules.Length == other.Rules.Length && Rules.Select(r => r.Hash).SequenceEqual(other.Rules.Select(r => r.Hash), StringComparer.Ordinal);
}

/// <summary>A named set; <paramref name="Definition"/> is its body, e.g. <c>type ipv4_addr; flags interval;</c>.
/// Elements are in canonical text form (<see cref="NftElements"/>).</summary>
public sealed record NftSet(string Name, string Definition, NftElementSet Elements)
{
    /// <summary>A plain (non-interval) address set: its canonical <c>A/32</c> and <c>A/128</c> elements are written as bare addresses.</summary>
    public bool AddressesOnly => Definition.Length > 0 && !Definition.Contains("interval", StringComparison.Ordinal) && !Definition.Contains(" . ", StringComparison.Ordinal);
}

/// <summary>A named verdict map from interface name to <c>goto CHAIN</c>.</summary>
public sealed record NftMap(string Name, string Definition, ImmutableDictionary<string, string> Elements);

/// <summary>
/// The content of Brindle's table, desired (rendered) or actual (read back from the kernel). Actual rules carry
/// only their hash (empty <see cref="NftRule.Text"/>); a rule without a Brindle comment gets an empty hash, which
/// never equals a rendered one, so a hand-edited chain is rewritten.
/// </summary>
public sealed record NftTableState(
    bool TableExists,
    ImmutableDictionary<string, NftChain> Chains,
    ImmutableDictionary<string, NftSet> Sets,
    ImmutableDictionary<string, NftMap> Maps)
{
    public static NftTableState Missing { get; } = new(
        false,
        ImmutableDictionary.Create<string, NftChain>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, NftSet>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, NftMap>(StringComparer.Ordinal));

    public int RuleCount => Chains.Values.Sum(c => c.Rules.Length);
}
