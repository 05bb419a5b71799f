using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Brindle.Policy;

/// <summary>A parsed Calico label selector (<c>app == 'web' &amp;&amp; tier in {'a','b'}</c>), ready for fast evaluation.</summary>
/// <remarks>
/// Grammar, precedence and lexical rules are libcalico-go's (see docs/design/policy.md). Immutable and thread-safe.
/// Equality is by canonical text: two selectors that print the same are equal.
/// Evaluation walks a tree of small sealed nodes and allocates nothing.
/// </remarks>
public sealed class Selector : IEquatable<Selector>
{
    private string? _uniqueId;
    private IReadOnlyDictionary<string, LabelRestriction>? _restrictions;

    // Set when the whole selector is `k == 'v'` (the commonest form): evaluated inline, without a virtual call.
    private readonly string? _equalityKey;
    private readonly string? _equalityValue;

    private Selector(SelectorNode root)
    {
        Root = root;
        var text = new StringBuilder();
        root.Write(text);
        Canonical = text.ToString();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        root.CollectKeys(keys);
        LabelKeys = [.. keys.Order(StringComparer.Ordinal)];
        if (root is SelectorNode.Compare { Operator: SelectorTokenKind.Eq } equality) (_equalityKey, _equalityValue) = (equality.Key, equality.Value);
    }

    /// <summary><c>all()</c>, which is also what an empty selector means.</summary>
    public static Selector All { get; } = new(SelectorNode.All.Instance);

    internal SelectorNode Root { get; }

    /// <summary>The label keys the selector looks at, sorted.</summary>
    public IReadOnlyList<string> LabelKeys { get; }

    /// <summary>Calico's canonical text, e.g. <c>(a == "b" &amp;&amp; c in {"x", "y"})</c>.</summary>
    public string Canonical { get; }

    /// <summary>True for <c>all()</c> (and the empty selector).</summary>
    public bool IsAll => Root is SelectorNode.All;

    /// <summary>True when the selector is exactly <c>global()</c>.</summary>
    public bool IsGlobal => Root is SelectorNode.Global;

    /// <summary>True when <c>global()</c> appears anywhere in the selector (valid only alone, in a rule's namespaceSelector).</summary>
    public bool ContainsGlobal => Root.ContainsGlobal;

    /// <summary>Calico's selector ID: <c>"s:" + base64url(SHA-224("s:" + canonical))</c>, as used to name IP sets.</summary>
    public string UniqueId => _uniqueId ??= "s:" + Base64Url(Sha224.Hash(Encoding.UTF8.GetBytes("s:" + Canonical)));

    internal IReadOnlyDictionary<string, LabelRestriction> Restrictions => _restrictions ??= Root.Restrictions();

    internal static Selector FromNode(SelectorNode root) => root is SelectorNode.All ? All : new Selector(root);

    /// <summary>Parses selector text; throws <see cref="SelectorSyntaxException"/> (a <see cref="FormatException"/>) if it is invalid.</summary>
    public static Selector Parse(string text) =>
        TryParse(text, out var selector, out var error) ? selector : throw new SelectorSyntaxException(error);

    /// <summary>Parses selector text; on failure <paramref name="error"/> says where and why.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out Selector? selector, [NotNullWhen(false)] out SelectorError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (SelectorParser.TryParse(text, out var root, out error))
        {
            selector = root is SelectorNode.All ? All : new Selector(root);
            return true;
        }
        selector = null;
        return false;
    }

    public bool Matches(ILabels labels) => Root.Evaluate(labels);

    /// <remarks>A <see cref="Dictionary{TKey, TValue}"/> passed as the interface still takes the direct-call fast path.</remarks>
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        labels is Dictionary<string, string> dictionary ? Root.Evaluate(dictionary) : Root.Evaluate(labels);

    /// <summary>The fastest overload: label lookups are direct dictionary calls.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Matches(Dictionary<string, string> labels) => _equalityKey is null
        ? Root.Evaluate(labels)
        : labels.TryGetValue(_equalityKey, out var value) && string.Equals(value, _equalityValue, StringComparison.Ordinal);

    public override string ToString() => Canonical;

    public bool Equals(Selector? other) => other is not null && string.Equals(Canonical, other.Canonical, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as Selector);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Canonical);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
