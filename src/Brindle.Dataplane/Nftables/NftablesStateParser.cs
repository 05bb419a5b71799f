using System.Collections.Immutable;
using System.Text.Json;

namespace Brindle.Dataplane.Nftables;

/// <summary>
/// Parses <c>nft -j list table inet brindle</c> into an <see cref="NftTableState"/> (pure codec). Rules are
/// identified only by their <c>brindle:HASH</c> comment; elements are put into the same canonical text the
/// renderer uses (single addresses as /32 or /128, named-port protocols as numbers).
/// </summary>
public static class NftablesStateParser
{
    public static NftTableState Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var exists = false;
        var chainRules = new Dictionary<string, ImmutableArray<NftRule>.Builder>(StringComparer.Ordinal);
        var chainBase = new Dictionary<string, string?>(StringComparer.Ordinal);
        var sets = ImmutableDictionary.CreateBuilder<string, NftSet>(StringComparer.Ordinal);
        var maps = ImmutableDictionary.CreateBuilder<string, NftMap>(StringComparer.Ordinal);

        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("table", out _))
            {
                exists = true;
            }
            else if (item.TryGetProperty("chain", out var chain))
            {
                var name = chain.GetProperty("name").GetString()!;
                chainRules.TryAdd(name, ImmutableArray.CreateBuilder<NftRule>());
                chainBase[name] = chain.TryGetProperty("hook", out var hook) ? hook.GetString() : null;
            }
            else if (item.TryGetProperty("rule", out var rule))
            {
                var chainName = rule.GetProperty("chain").GetString()!;
                if (!chainRules.TryGetValue(chainName, out var rules)) chainRules[chainName] = rules = ImmutableArray.CreateBuilder<NftRule>();
                var comment = rule.TryGetProperty("comment", out var c) ? c.GetString() ?? "" : "";
                var hash = comment.StartsWith(NftNames.RuleCommentPrefix, StringComparison.Ordinal) ? comment[NftNames.RuleCommentPrefix.Length..] : "";
                rules.Add(new NftRule("", hash));
            }
            else if (item.TryGetProperty("map", out var map))
            {
                var name = map.GetProperty("name").GetString()!;
                var elements = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                if (map.TryGetProperty("elem", out var elems))
                {
                    foreach (var pair in elems.EnumerateArray())
                    {
                        var key = Element(pair[0]);
                        elements[key] = Verdict(pair[1]);
                    }
                }
                maps[name] = new NftMap(name, "", elements.ToImmutable());
            }
            else if (item.TryGetProperty("set", out var set))
            {
                var name = set.GetProperty("name").GetString()!;
                var elements = new List<string>();
                if (set.TryGetProperty("elem", out var elems))
                {
                    foreach (var e in elems.EnumerateArray()) elements.Add(Element(e));
                }
                sets[name] = new NftSet(name, "", NftElementSet.Of(elements));
            }
        }

        var chains = chainRules.ToImmutableDictionary(
            kv => kv.Key,
            kv => new NftChain(kv.Key, chainBase.GetValueOrDefault(kv.Key), kv.Value.ToImmutable()),
            StringComparer.Ordinal);
        return new NftTableState(exists, chains, sets.ToImmutable(), maps.ToImmutable());
    }

    private static string Element(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                var text = e.GetString()!;
                return System.Net.IPAddress.TryParse(text, out var address)
                    ? $"{address}/{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)}"
                    : text;
            case JsonValueKind.Number:
                return e.GetRawText();
            case JsonValueKind.Object when e.TryGetProperty("prefix", out var prefix):
                return $"{prefix.GetProperty("addr").GetString()}/{prefix.GetProperty("len").GetInt32()}";
            case JsonValueKind.Object when e.TryGetProperty("range", out var range):
                return $"{range[0].GetString()}-{range[1].GetString()}";
            case JsonValueKind.Object when e.TryGetProperty("elem", out var inner):
                return Element(inner.GetProperty("val"));
            case JsonValueKind.Object when e.TryGetProperty("concat", out var concat):
                var parts = concat.EnumerateArray().ToList();
                return parts.Count == 3
                    ? $"{parts[0].GetString()} . {Protocol(parts[1])} . {parts[2].GetRawText()}"
                    : string.Join(" . ", parts.Select(p => p.ToString()));
            default:
                return e.GetRawText();
        }
    }

    private static string Protocol(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetRawText() : e.GetString() switch
    {
        "tcp" => "6",
        "udp" => "17",
        "sctp" => "132",
        "udplite" => "136",
        "icmp" => "1",
        "ipv6-icmp" or "icmpv6" => "58",
        var other => other ?? "",
    };

    private static string Verdict(JsonElement e)
    {
        foreach (var kind in new[] { "goto", "jump" })
        {
            if (e.TryGetProperty(kind, out var v)) return $"{kind} {v.GetProperty("target").GetString()}";
        }
        return e.GetRawText();
    }
}
