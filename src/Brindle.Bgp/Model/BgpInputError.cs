namespace Brindle.Bgp.Model;

/// <summary>One problem with a <see cref="BgpInput"/>: which resource, which field, and why.</summary>
public sealed record BgpInputError(string Kind, string Name, string Field, string Reason)
{
    public override string ToString() => $"{Kind} '{Name}': {Field}: {Reason}";
}

/// <summary>The input cannot be rendered; <see cref="Errors"/> lists every problem found.</summary>
public sealed class BgpInputException(IReadOnlyList<BgpInputError> errors)
    : Exception("Cannot render BIRD configuration: " + string.Join("; ", errors))
{
    public IReadOnlyList<BgpInputError> Errors { get; } = errors;
}
