namespace Brindle.Policy;

/// <summary>Selector syntax checks for validators that must not depend on the evaluator's types.</summary>
public sealed class SelectorSyntax
{
    /// <summary>Null if <paramref name="selector"/> is valid; otherwise one line saying where and why it is not.</summary>
    public static string? Check(string selector) =>
        Selector.TryParse(selector, out _, out var error) ? null : error.Message;
}
