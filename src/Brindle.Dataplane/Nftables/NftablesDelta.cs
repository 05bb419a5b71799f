using System.Collections.Immutable;
using System.Text;

namespace Brindle.Dataplane.Nftables;

/// <summary>A computed change: the nft script (empty when nothing differs) and the table content after it applies.</summary>
public sealed record NftDeltaResult(string Script, NftTableState After, int ChangedChains, int ChangedElements)
{
    public bool IsEmpty => Script.Length == 0;
}

/// <summary>A change applied as <see cref="Sets"/> and <see cref="Rules"/> at the same time, then <see cref="Dispatch"/> (<see cref="NftablesDelta.ComputeOverGuard"/>).</summary>
public sealed record NftSplitDelta(NftDeltaResult Sets, NftDeltaResult Rules, NftDeltaResult Dispatch)
{
    /// <summary>The three as one result: the scripts in order (for logs), the state after the last, the counts summed.</summary>
    public NftDeltaResult Combined => new(
        Sets.Script + Rules.Script + Dispatch.Script,
        Dispatch.After,
        Sets.ChangedChains + Rules.ChangedChains + Dispatch.ChangedChains,
        Sets.ChangedElements + Dispatch.ChangedElements);
}

/// <summary>
/// Computes the minimal nft transaction that turns <c>actual</c> into <c>desired</c> (pure). Changed chains are
/// flushed and refilled (atomically, inside the one transaction); set and map elements are added and deleted
/// one by one. Objects that exist but are not desired ("stale") are deleted only when <c>deleteStale</c> is true,
/// i.e. after the first InSync, so a restarted agent never removes what it has not yet been told about.
/// </summary>
public static class NftablesDelta
{
    private const string T = NftNames.Family + " " + NftNames.Table;

    public static NftDeltaResult Compute(NftTableState desired, NftTableState actual, bool deleteStale)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(actual);
        var sb = new StringBuilder();
        var changedChains = 0;
        var changedElements = 0;
        var afterChains = actual.Chains.ToBuilder();
        var afterSets = actual.Sets.ToBuilder();
        var afterMaps = actual.Maps.ToBuilder();

        if (!actual.TableExists) sb.Append("add table ").Append(T).Append(" { comment \"").Append(NftNames.TableComment).Append("\"; }\n");

        // 1. Sets and their new elements first: rules may reference them.
        // Only what is not the very object last written (or read back) can differ: sort just those.
        var changedSets = desired.Sets.Values.Where(s => !actual.Sets.TryGetValue(s.Name, out var e) || !ReferenceEquals(e, s)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        foreach (var set in changedSets)
        {
            actual.Sets.TryGetValue(set.Name, out var existing);
            if (existing is null) sb.Append("add set ").Append(T).Append(' ').Append(set.Name).Append(" { ").Append(set.Definition).Append(" }\n");
            if (existing is null)
            {
                changedElements += AppendElements(sb, "add", set, set.Elements);
                afterSets[set.Name] = set;   // it holds exactly what was rendered: keep that object (the next apply skips it)
                continue;
            }
            var added = set.Elements.Except(existing.Elements);
            changedElements += AppendElements(sb, "add", set, added);
            afterSets[set.Name] = set with { Elements = existing.Elements.With(added) };
        }

        var chainsToWrite = desired.Chains.Values.Where(c => !actual.Chains.TryGetValue(c.Name, out var e) || !ReferenceEquals(e, c))
            .OrderBy(c => c.BaseDefinition is null ? 0 : 1).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();

        // 2. Maps (empty) and all new chains (empty), so that jumps and gotos resolve whatever the order below.
        foreach (var map in desired.Maps.Values.Where(m => !actual.Maps.ContainsKey(m.Name)).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            sb.Append("add map ").Append(T).Append(' ').Append(map.Name).Append(" { ").Append(map.Definition).Append(" }\n");
            afterMaps[map.Name] = map with { Elements = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal) };
        }
        foreach (var chain in chainsToWrite.Where(c => !actual.Chains.ContainsKey(c.Name)).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            sb.Append("add chain ").Append(T).Append(' ').Append(chain.Name);
            if (chain.BaseDefinition is not null) sb.Append(" { ").Append(chain.BaseDefinition).Append(" }");
            sb.Append('\n');
        }

        // 3. Fill new chains and rewrite changed ones. Non-base chains before base chains, so that traffic is only
        //    dispatched to chains that are complete (all inside one transaction anyway).
        foreach (var chain in chainsToWrite)
        {
            var exists = actual.Chains.TryGetValue(chain.Name, out var existing);
            if (exists && existing!.SameRules(chain))
            {
                afterChains[chain.Name] = chain;   // same rules: remember the rendered object for the fast path next time
                continue;
            }
            changedChains++;
            if (exists) sb.Append("flush chain ").Append(T).Append(' ').Append(chain.Name).Append('\n');
            foreach (var rule in chain.Rules)
            {
                sb.Append("add rule ").Append(T).Append(' ').Append(chain.Name).Append(' ').Append(rule.Text)
                  .Append(" comment \"").Append(NftNames.RuleCommentPrefix).Append(rule.Hash).Append("\"\n");
            }
            afterChains[chain.Name] = chain;
        }

        // 4. Map elements: a changed element is deleted and re-added; a stale one only goes after InSync.
        foreach (var map in desired.Maps.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (SameElements(afterMaps[map.Name].Elements, map.Elements)) continue;
            var current = afterMaps[map.Name].Elements.ToBuilder();
            var deleted = new List<string>();
            foreach (var (key, verdict) in current.ToList().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var wanted = map.Elements.TryGetValue(key, out var v) ? v : null;
                if (wanted == verdict || (wanted is null && !deleteStale)) continue;
                deleted.Add($"\"{key}\"");
                current.Remove(key);
            }
            var added = new List<string>();
            foreach (var (key, verdict) in map.Elements.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (current.ContainsKey(key)) continue;
                added.Add($"\"{key}\" : {verdict}");
                current[key] = verdict;
            }
            changedElements += AppendElementLines(sb, "delete", map.Name, deleted) + AppendElementLines(sb, "add", map.Name, added);
            afterMaps[map.Name] = map with { Elements = current.ToImmutable() };
        }

        if (deleteStale)
        {
            // 5. Stale maps, then stale chains: flush all first so no stale chain still jumps to another, then delete.
            foreach (var name in actual.Maps.Keys.Where(n => !desired.Maps.ContainsKey(n)).Order(StringComparer.Ordinal))
            {
                sb.Append("delete map ").Append(T).Append(' ').Append(name).Append('\n');
                afterMaps.Remove(name);
            }
            // Every desired chain is either new or in actual, so actual holds a stale one exactly when it has more than
            // desired minus the new ones: the common case (none) needs no scan of a table of thousands of chains.
            var newChains = chainsToWrite.Count(c => !actual.Chains.ContainsKey(c.Name));
            var staleChains = actual.Chains.Count == desired.Chains.Count - newChains
                ? []
                : actual.Chains.Keys.Where(n => !desired.Chains.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
            foreach (var name in staleChains) sb.Append("flush chain ").Append(T).Append(' ').Append(name).Append('\n');
            foreach (var name in staleChains)
            {
                sb.Append("delete chain ").Append(T).Append(' ').Append(name).Append('\n');
                afterChains.Remove(name);
                changedChains++;
            }
        }

        // 6. Set elements no longer wanted (a desired set's content is always complete), then stale sets: last,
        //    because a set can only go once no rule references it.
        foreach (var set in changedSets)
        {
            if (!actual.Sets.TryGetValue(set.Name, out var existing)) continue;
            changedElements += AppendElements(sb, "delete", set, existing.Elements.Except(set.Elements));
            afterSets[set.Name] = set;
        }
        if (deleteStale)
        {
            var newSets = changedSets.Count(set => !actual.Sets.ContainsKey(set.Name));
            IEnumerable<string> staleSets = actual.Sets.Count == desired.Sets.Count - newSets ? [] : actual.Sets.Keys.Where(n => !desired.Sets.ContainsKey(n)).Order(StringComparer.Ordinal);
            foreach (var name in staleSets)
            {
                sb.Append("delete set ").Append(T).Append(' ').Append(name).Append('\n');
                afterSets.Remove(name);
            }
        }

        var after = new NftTableState(true, afterChains.ToImmutable(), afterSets.ToImmutable(), afterMaps.ToImmutable());
        return new NftDeltaResult(sb.ToString(), after, changedChains, changedElements);
    }

    /// <summary>
    /// The first programming over a kernel that holds nothing of Brindle's but the guard (<see cref="NftablesRenderer.Guard"/>),
    /// as three transactions in two stages instead of one. <b>Sets</b> (every set with its elements) and <b>Rules</b>
    /// (everything else: sets declared empty, chains and rules, dispatch maps without elements) touch no common object
    /// but the set declarations, which nft's <c>add</c> leaves alone when they exist, so two nft processes apply them at
    /// the same time and their parsing overlaps (nft reads its whole input before parsing, so one process cannot overlap
    /// its own). <b>Dispatch</b> then adds the dispatch map elements once both are in. Safe because nothing reaches an
    /// endpoint chain before Dispatch: the base chains, the guard's or the new ones with empty dispatch maps, drop
    /// every workload interface. Null when the kernel holds more than the guard (a live table: a rule could then go
    /// live before the set elements it relies on) or there are no sets to overlap with.
    /// </summary>
    public static NftSplitDelta? ComputeOverGuard(NftTableState desired, NftTableState actual, bool deleteStale)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(actual);
        if (!IsGuardOnly(actual) || desired.Sets.Count == 0) return null;
        var sets = Compute(desired with { Chains = actual.Chains, Maps = actual.Maps }, actual, deleteStale: false);
        var declaredSets = desired.Sets.ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { Elements = NftElementSet.Empty }, StringComparer.Ordinal);
        var emptyMaps = desired.Maps.ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { Elements = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal) }, StringComparer.Ordinal);
        var rules = Compute(desired with { Sets = declaredSets, Maps = emptyMaps }, actual, deleteStale: false);
        var both = new NftTableState(true, rules.After.Chains, sets.After.Sets, rules.After.Maps);
        return new NftSplitDelta(sets, rules, Compute(desired, both, deleteStale));
    }

    /// <summary>Brindle's table exists and holds at most the guard's base chains: no set, no map, no endpoint chain.</summary>
    public static bool IsGuardOnly(NftTableState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.TableExists && state.Sets.Count == 0 && state.Maps.Count == 0
            && state.Chains.Keys.All(name => name is NftNames.ForwardEgress or NftNames.ForwardIngress or NftNames.Input);
    }

    private const int ElementsPerLine = 1000;

    private static bool SameElements(ImmutableDictionary<string, string> actual, ImmutableDictionary<string, string> desired) =>
        ReferenceEquals(actual, desired)
        || actual.Count == desired.Count && desired.All(kv => actual.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal));

    private static int AppendElements(StringBuilder sb, string verb, NftSet set, IEnumerable<string> elements) =>
        AppendElementLines(sb, verb, set.Name, elements, bare: set.AddressesOnly);

    /// <summary><c>VERB element inet brindle NAME { e1, e2, … }</c>, at most <see cref="ElementsPerLine"/> per line (one nft command each).</summary>
    /// <param name="bare">Write <c>10.0.0.1/32</c> as <c>10.0.0.1</c> (a plain set takes no prefixes).</param>
    private static int AppendElementLines(StringBuilder sb, string verb, string name, IEnumerable<string> elements, bool bare = false)
    {
        var count = 0;
        foreach (var element in elements)
        {
            if (count % ElementsPerLine == 0)
            {
                if (count > 0) sb.Append(" }\n");
                sb.Append(verb).Append(" element ").Append(T).Append(' ').Append(name).Append(" { ");
            }
            else
            {
                sb.Append(", ");
            }
            var slash = bare ? element.IndexOf('/', StringComparison.Ordinal) : -1;
            sb.Append(slash < 0 ? element : element.AsSpan(0, slash));
            count++;
        }
        if (count > 0) sb.Append(" }\n");
        return count;
    }
}
