namespace Brindle.Api;

/// <summary>
/// Checks selector syntax. Defined here so Brindle.Api stays free of the selector engine; the policy
/// project implements it with its parser. Return null if the selector is valid, else the reason.
/// </summary>
public interface ISelectorSyntax
{
    string? Check(string selector);
}

/// <summary>
/// What validation needs to know beyond the documents themselves: the IP pools already stored (for overlap
/// and immutability checks; a pool in the batch with the same name replaces the stored one) and, optionally,
/// a selector syntax checker. Without one, only Brindle.Api's own selector rules (<c>global()</c> placement,
/// no newlines) are checked.
/// </summary>
public sealed record ValidationContext(IReadOnlyList<IPPool> ExistingPools, ISelectorSyntax? SelectorCheck = null)
{
    public static ValidationContext Empty { get; } = new([]);
}
