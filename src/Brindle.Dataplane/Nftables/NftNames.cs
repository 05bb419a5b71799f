using System.Security.Cryptography;
using System.Text;

namespace Brindle.Dataplane.Nftables;

/// <summary>
/// Names of everything in Brindle's nftables table. Every name is a valid nft identifier; ids with other
/// characters, or too long, are shortened and given a hash suffix so that distinct ids never share a name.
/// </summary>
public static class NftNames
{
    public const string Family = "inet";
    public const string Table = "brindle";
    public const string TableComment = "Owned by Brindle (Calico-compatible node agent); edits are reverted";
    public const string RuleCommentPrefix = "brindle:";

    // Base chains. Egress (from-workload) and ingress (to-workload) checks are two base chains at different
    // priorities on the forward hook, so an Allow can be a plain `accept` in each (accept ends only its own base chain).
    public const string ForwardEgress = "forward-egress";
    public const string ForwardIngress = "forward-ingress";
    public const string Input = "input-host";
    public const string Output = "output-host";
    public const string PostroutingNat = "postrouting-nat";

    public const string FailsafeIn = "failsafe-in";
    public const string FailsafeOut = "failsafe-out";

    // Interface dispatch maps (interface name -> goto endpoint chain).
    public const string WorkloadFromMap = "wl-from-dispatch";
    public const string WorkloadToMap = "wl-to-dispatch";
    public const string HostFromMap = "hep-from-dispatch";
    public const string HostToMap = "hep-to-dispatch";

    // NAT-outgoing sets.
    public const string AllPools4 = "pools4-all";
    public const string AllPools6 = "pools6-all";
    public const string MasqPools4 = "pools4-masq";
    public const string MasqPools6 = "pools6-masq";

    private const int MaxIdLength = 48;

    public static string WorkloadFrom(string interfaceName) => "wl-from-" + Safe(interfaceName);

    public static string WorkloadTo(string interfaceName) => "wl-to-" + Safe(interfaceName);

    public static string HostFrom(string interfaceName) => "hep-from-" + Safe(interfaceName);

    public static string HostTo(string interfaceName) => "hep-to-" + Safe(interfaceName);

    /// <summary>Chain of a policy's inbound (ingress) or outbound (egress) rules.</summary>
    public static string Policy(Calculation.Messages.PolicyId id, bool inbound) =>
        (inbound ? "pi-" : "po-") + Safe(id.Tier + "." + id.Name);

    public static string Profile(string id, bool inbound) => (inbound ? "pri-" : "pro-") + Safe(id);

    /// <summary>
    /// Set for an IP set's members of one IP version: <c>a4-</c>/<c>a6-</c> for single addresses (a plain hash set),
    /// <c>n4-</c>/<c>n6-</c> once it holds a network (an interval set), <c>np4-</c>/<c>np6-</c> for named ports.
    /// </summary>
    public static string IPSet(string id, int ipVersion, bool namedPorts, bool networks = false) =>
        (namedPorts ? "np" : networks ? "n" : "a") + ipVersion + "-" + Safe(id);

    /// <summary>The id itself if it is a short valid identifier tail, otherwise a sanitised prefix plus a hash.</summary>
    public static string Safe(string id)
    {
        var clean = true;
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) { clean = false; break; }
        }
        if (clean && id.Length <= MaxIdLength && id.Length > 0) return id;
        if (Hashed.TryGetValue(id, out var known)) return known;
        if (Hashed.Count >= MaxHashedNames) Hashed.Clear();   // bounded: ids of deleted objects do not pile up
        return Hashed[id] = Sanitised(id);
    }

    // Names that needed a hash (SHA-256), remembered: every render names each policy chain once per endpoint using it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Hashed = new(StringComparer.Ordinal);
    private const int MaxHashedNames = 100_000;

    private static string Sanitised(string id)
    {
        var sb = new StringBuilder(MaxIdLength + 12);
        foreach (var c in id.AsSpan(0, Math.Min(id.Length, MaxIdLength - 12)))
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_');
        }
        sb.Append('_').Append(ShortHash(id, 11));
        return sb.ToString();
    }

    /// <summary>First <paramref name="length"/> characters of the base64url SHA-256 of <paramref name="text"/>.</summary>
    public static string ShortHash(string text, int length)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        return Convert.ToBase64String(digest).Replace('+', '-').Replace('/', '_')[..length];
    }
}
