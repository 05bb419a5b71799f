using Brindle.Api;

namespace Brindle.Cli.Manifests;

/// <summary>Selector syntax for <see cref="ResourceValidator"/>, checked by the policy engine's parser.</summary>
internal sealed class PolicySelectorSyntax : ISelectorSyntax
{
    public static PolicySelectorSyntax Instance { get; } = new();

    public string? Check(string selector) => Brindle.Policy.SelectorSyntax.Check(selector);
}

/// <summary>What the datastore holds that checks of a batch depend on: the stored pools and tier names.</summary>
internal sealed record StoredContext(IReadOnlyList<IPPool> Pools, IReadOnlySet<string> Tiers)
{
    /// <summary>Offline (validate): no pools, and every tier is taken to exist.</summary>
    public static StoredContext Offline { get; } = new([], new HashSet<string>());

    public bool Online { get; init; }
}

/// <summary>
/// Turns decoded documents into what would be written, and finds every problem first: the <c>-n</c> namespace,
/// Calico's defaults, <see cref="ResourceValidator"/> (fields, selectors, pool overlap with each other and with
/// stored pools, repeats) and references to tiers that exist neither in the store nor in the batch.
/// Pure: the caller reads the store and passes a <see cref="StoredContext"/>.
/// </summary>
internal static class ManifestChecks
{
    /// <summary>Puts namespaced resources without a namespace into <paramref name="ns"/> (else "default") and applies defaults.</summary>
    public static IReadOnlyList<Document> Prepare(IReadOnlyList<Document> documents, string? ns, List<ResourceError> errors)
    {
        var prepared = new List<Document>(documents.Count);
        foreach (var document in documents)
        {
            var resource = document.Resource;
            if (resource.ResourceKind.Namespaced && ns is not null)
            {
                if (string.IsNullOrEmpty(resource.Namespace))
                {
                    resource = resource with { Metadata = resource.Metadata with { Namespace = ns } };
                }
                else if (resource.Namespace != ns)
                {
                    errors.Add(document.Error("metadata.namespace", $"namespace '{resource.Namespace}' does not match -n {ns}"));
                    continue;
                }
            }
            prepared.Add(document with { Resource = ResourceDefaults.Apply(resource) });
        }
        return prepared;
    }

    /// <summary>Every problem of the batch, in document order.</summary>
    public static IReadOnlyList<ResourceError> Validate(IReadOnlyList<Document> documents, StoredContext stored)
    {
        var errors = new List<ResourceError>(ResourceValidator.Validate(documents, new ValidationContext(stored.Pools, PolicySelectorSyntax.Instance)));
        if (stored.Online) errors.AddRange(MissingTiers(documents, stored.Tiers));
        return errors;
    }

    private static IEnumerable<ResourceError> MissingTiers(IReadOnlyList<Document> documents, IReadOnlySet<string> storedTiers)
    {
        var batchTiers = documents.Select(d => d.Resource).OfType<Tier>().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            var spec = document.Resource switch
            {
                NetworkPolicy p => (PolicySpec)p.Spec,
                GlobalNetworkPolicy g => g.Spec,
                _ => null,
            };
            if (spec is null || spec.TierName == Tier.DefaultName) continue;
            if (!storedTiers.Contains(spec.TierName) && !batchTiers.Contains(spec.TierName))
            {
                yield return document.Error("spec.tier", $"tier '{spec.TierName}' does not exist (create the Tier first, or in the same apply)");
            }
        }
    }
}
