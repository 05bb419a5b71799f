namespace Brindle.Api;

/// <summary>Collects field errors during validation of one resource.</summary>
internal sealed class FieldErrors(ValidationContext context)
{
    public List<FieldError> Items { get; } = [];

    public ValidationContext Context { get; } = context;

    public void Add(string field, string reason) => Items.Add(new(field, reason));

    /// <summary>Adds the error when <paramref name="reason"/> is not null (for checks that return a reason).</summary>
    public void AddIf(string field, string? reason)
    {
        if (reason is not null) Add(field, reason);
    }
}
