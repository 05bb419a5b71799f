namespace Brindle.Policy;

/// <summary>Why a selector is not valid, and where.</summary>
/// <param name="Selector">The selector text as given.</param>
/// <param name="Position">Zero-based character offset of the problem in <paramref name="Selector"/>; its length when the text ended too early.</param>
/// <param name="Reason">What is wrong, in plain words.</param>
public sealed record SelectorError(string Selector, int Position, string Reason)
{
    /// <summary>One line: <c>invalid selector "a == 1": at column 6: expected a quoted string after '=='</c> (columns count from 1).</summary>
    public string Message => $"invalid selector \"{Selector}\": at column {Position + 1}: {Reason}";

    public override string ToString() => Message;
}
