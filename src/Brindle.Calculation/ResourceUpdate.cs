using Brindle.Api;

namespace Brindle.Calculation;

/// <summary>
/// One datastore change as the calculation graph sees it: the resource's datastore key and its value, or null when the
/// resource was deleted or failed validation. Existence is decided from null/non-null only (never "create vs update").
/// </summary>
public sealed record ResourceUpdate(string Key, Resource? Value)
{
    /// <summary>An update carrying <paramref name="resource"/> under its own key.</summary>
    public static ResourceUpdate Of(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return new(resource.Key, resource);
    }

    /// <summary>A deletion of <paramref name="resource"/>'s key.</summary>
    public static ResourceUpdate Deletion(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return new(resource.Key, null);
    }
}
