using System.Text;

namespace Brindle.Api;

/// <summary>
/// One problem with one resource, located as precisely as known: file (or "-" for stdin), 1-based document
/// index, kind, name ("ns/name" for namespaced kinds), field path and reason. Any part may be unknown.
/// <see cref="ToString"/> reads like
/// <c>policy.yaml: document 2 (NetworkPolicy 'default/allow-db'): spec.ingress[0].destination.ports[1]: port 70000 out of range 0-65535</c>.
/// </summary>
public sealed record ResourceError(string? Source, int? DocumentIndex, string? Kind, string? Name, string? Field, string Reason)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Source is not null) text.Append(Source).Append(": ");
        if (DocumentIndex is not null)
        {
            text.Append("document ").Append(DocumentIndex.Value);
            text.Append(Kind is null ? ": " : " (");
        }
        if (Kind is not null)
        {
            text.Append(Kind);
            if (!string.IsNullOrEmpty(Name)) text.Append(" '").Append(Name).Append('\'');
            text.Append(DocumentIndex is not null ? "): " : ": ");
        }
        if (Field is not null) text.Append(Field).Append(": ");
        text.Append(Reason);
        return text.ToString();
    }
}

/// <summary>Thrown by <see cref="ResourceCodec.FromJson"/> when stored JSON does not decode.</summary>
public sealed class ResourceFormatException : FormatException
{
    public ResourceFormatException(IReadOnlyList<ResourceError> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    public ResourceFormatException()
        : this([])
    {
    }

    public ResourceFormatException(string message)
        : base(message) => Errors = [];

    public ResourceFormatException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    public IReadOnlyList<ResourceError> Errors { get; }
}
