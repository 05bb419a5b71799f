using System.Diagnostics.CodeAnalysis;

namespace Brindle.Policy;

/// <summary>A read-only set of labels a <see cref="Selector"/> is evaluated against.</summary>
/// <remarks>Implementations may compute labels on the fly (for example an endpoint's own labels over its profiles' labels).</remarks>
public interface ILabels
{
    bool TryGetValue(string key, [MaybeNullWhen(false)] out string value);
}
