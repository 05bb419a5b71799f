namespace Brindle.Datastore.Kv;

/// <summary>Boundary checks every backend applies to a transaction before sending it (etcd's own rules, so all backends agree).</summary>
public static class KvTransactionRules
{
    /// <summary>Throws <see cref="ArgumentException"/> if a key appears twice among the operations (etcd rejects that).</summary>
    public static void Validate(IReadOnlyList<KvOperation> operations)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in operations)
        {
            if (op.Key.Length == 0) throw new ArgumentException("a transaction operation has an empty key", nameof(operations));
            if (!seen.Add(op.Key)) throw new ArgumentException($"key '{op.Key}' appears more than once in one transaction", nameof(operations));
        }
    }

    /// <summary>The first key after every key that starts with <paramref name="prefix"/> (in ordinal order), or null if there is none.</summary>
    public static string? PrefixEnd(string prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            var c = prefix[i];
            if (c < '\uD7FF') return string.Concat(prefix.AsSpan(0, i), ((char)(c + 1)).ToString());
        }
        return null;
    }
}
