namespace Brindle.Policy;

/// <summary>Thrown by <see cref="Selector.Parse"/> for text that is not a valid selector.</summary>
public sealed class SelectorSyntaxException : FormatException
{
    public SelectorSyntaxException(SelectorError error) : base(error.Message) => Error = error;

    public SelectorSyntaxException() : this(new SelectorError("", 0, "invalid selector")) { }

    public SelectorSyntaxException(string message) : this(new SelectorError("", 0, message)) { }

    public SelectorSyntaxException(string message, Exception innerException) : base(message, innerException) =>
        Error = new SelectorError("", 0, message);

    public SelectorError Error { get; }
}
