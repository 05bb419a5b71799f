using Brindle.Api;

namespace Brindle.Cli;

/// <summary>Resolves the KIND argument of <c>get</c>, <c>delete</c>, <c>label</c>, <c>patch</c> as calicoctl does (any case, singular, plural, short names).</summary>
internal static class KindNames
{
    public static ResourceKind Resolve(string text)
    {
        if (ResourceKinds.TryResolve(text, out var kind)) return kind;
        var names = ResourceKinds.All.SelectMany(k => k.Aliases.Prepend(k.Name.ToLowerInvariant()));
        var kinds = Suggestions.Closest(text, names, max: 10)
            .Select(n => ResourceKinds.TryResolve(n, out var k) ? k.Name.ToLowerInvariant() : n)
            .Distinct(StringComparer.Ordinal);
        var hint = Suggestions.DidYouMean(text, kinds);
        if (hint.Length == 0) hint = $"; known kinds: {string.Join(", ", ResourceKinds.All.Select(k => k.Name.ToLowerInvariant()))}";
        throw new UserErrorException($"unknown resource kind '{text}'{hint}");
    }
}
