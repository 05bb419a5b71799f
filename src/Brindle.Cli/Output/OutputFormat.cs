namespace Brindle.Cli.Output;

/// <summary>How <c>get</c> prints resources (<c>-o</c>).</summary>
internal enum OutputFormat
{
    /// <summary>calicoctl's default "ps" table.</summary>
    Table,

    /// <summary>The table with more columns.</summary>
    Wide,

    Yaml,

    Json,

    /// <summary>One <c>kind/name</c> per line (as kubectl's <c>-o name</c>), for scripts.</summary>
    Name,
}

/// <summary>Parses <c>-o</c> values; calicoctl's <c>ps</c> is the table.</summary>
internal static class OutputFormats
{
    public const string Choices = "table (ps), wide, yaml, json, name";

    public static OutputFormat Parse(string text) => text.ToLowerInvariant() switch
    {
        "" or "table" or "ps" => OutputFormat.Table,
        "wide" => OutputFormat.Wide,
        "yaml" or "yml" => OutputFormat.Yaml,
        "json" => OutputFormat.Json,
        "name" => OutputFormat.Name,
        _ when text.StartsWith("custom-columns", StringComparison.OrdinalIgnoreCase) || text.StartsWith("go-template", StringComparison.OrdinalIgnoreCase) =>
            throw new UserErrorException($"output format '{text}' is not supported (use one of: {Choices}; for one field, pipe -o json into jq)"),
        _ => throw new UserErrorException($"unknown output format '{text}' (use one of: {Choices})"),
    };

    /// <summary>Formats that only print data (manifests), as opposed to tables.</summary>
    public static OutputFormat ParseManifest(string text) => Parse(text) switch
    {
        OutputFormat.Yaml => OutputFormat.Yaml,
        OutputFormat.Json => OutputFormat.Json,
        _ => throw new UserErrorException($"output format '{text}' is not valid here (use yaml or json)"),
    };
}
