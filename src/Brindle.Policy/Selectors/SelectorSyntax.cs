using Brindle.Api;

namespace Brindle.Policy;

/// <summary>Selector syntax checks for Brindle.Api's validator, which must not depend on the evaluator's types.</summary>
public sealed class SelectorSyntax : ISelectorSyntax
{
    public static SelectorSyntax Instance { get; } = new();

    /// <summary>Null if <paramref name="selector"/> is valid; otherwise one line saying where and why it is not.</summary>
    public static string? Check(string selector) =>
        Selector.TryParse(selector, out _, out var error) ? null : error.Message;

    string? ISelectorSyntax.Check(string selector) => Check(selector);
}
