using System.Diagnostics.CodeAnalysis;

namespace Brindle.Api;

/// <summary>
/// Registry entry for one resource kind: its manifest name, plural (used in datastore keys and by
/// calicoctl), scope, API version, short names, and the datastore key layout.
/// Keys follow Calico's etcd v3 backend: <c>/calico/resources/v3/projectcalico.org/&lt;plural&gt;/[&lt;namespace&gt;/]&lt;name&gt;</c>.
/// </summary>
public sealed record ResourceKind
{
    internal ResourceKind(string name, string plural, bool namespaced, string apiVersion, string keyRoot, Type clrType, EquatableArray<string> aliases)
    {
        Name = name;
        Plural = plural;
        Namespaced = namespaced;
        ApiVersion = apiVersion;
        KeyRoot = keyRoot;
        ClrType = clrType;
        Aliases = aliases;
        _allPrefix = $"{keyRoot}{plural}/";
    }

    /// <summary>Kind as written in manifests (<c>IPPool</c>).</summary>
    public string Name { get; }

    /// <summary>Lower-case plural (<c>ippools</c>).</summary>
    public string Plural { get; }

    public bool Namespaced { get; }

    public string ApiVersion { get; }

    /// <summary>Key prefix shared by all kinds of this API group, ending in '/'.</summary>
    public string KeyRoot { get; }

    /// <summary>The sealed record type for this kind.</summary>
    public Type ClrType { get; }

    /// <summary>Lower-case names accepted on the command line besides <see cref="Name"/> (singular, plural, short names).</summary>
    public EquatableArray<string> Aliases { get; }

    /// <summary>Datastore key of one resource. <paramref name="ns"/> is ignored for cluster-scoped kinds.</summary>
    public string KeyFor(string? ns, string name) =>
        Namespaced ? $"{KeyRoot}{Plural}/{ns}/{name}" : $"{KeyRoot}{Plural}/{name}";

    /// <summary>
    /// Prefix listing every resource of this kind (<paramref name="ns"/> null), or those in one namespace.
    /// Always ends in '/', so "ippools/" never matches a kind whose plural merely starts with "ippools".
    /// </summary>
    public string Prefix(string? ns = null) =>
        Namespaced && ns is not null ? $"{KeyRoot}{Plural}/{ns}/" : _allPrefix;

    private readonly string _allPrefix;   // a function of KeyRoot and Plural, so equality is unaffected

    /// <summary>Splits a key of this kind into namespace (null for cluster-scoped) and name.</summary>
    public bool TryParseKey(string key, out string? ns, [NotNullWhen(true)] out string? name)
    {
        ns = null;
        name = null;
        if (!TryLocateKey(key, out var nsRange, out var nameRange)) return false;
        if (Namespaced) ns = key[nsRange];
        name = key[nameRange];
        return true;
    }

    /// <summary>
    /// As <see cref="TryParseKey(string, out string?, out string?)"/>, giving where the namespace (empty for
    /// cluster-scoped kinds) and the name are in <paramref name="key"/> instead of copies (no allocation).
    /// </summary>
    public bool TryLocateKey(string key, out Range ns, out Range name)
    {
        ArgumentNullException.ThrowIfNull(key);
        ns = default;
        name = default;
        var prefix = Prefix();
        if (!key.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = key.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        if (Namespaced)
        {
            if (slash <= 0 || slash == rest.Length - 1 || rest[(slash + 1)..].Contains('/')) return false;
            ns = new Range(prefix.Length, prefix.Length + slash);
            name = new Range(prefix.Length + slash + 1, key.Length);
            return true;
        }
        if (slash >= 0 || rest.IsEmpty) return false;
        name = new Range(prefix.Length, key.Length);
        return true;
    }

    public override string ToString() => Name;
}
