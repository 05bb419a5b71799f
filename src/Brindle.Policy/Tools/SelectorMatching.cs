using System.Text.Json;

namespace Brindle.Policy;

/// <summary>The logic behind <c>brindle selector match</c>: label lists, one-off matches and the JSON-lines batch protocol.</summary>
public static class SelectorMatching
{
    /// <summary>Parses <c>k1=v1,k2=v2</c> (empty = no labels; a value may be empty and may contain '='; a key may not repeat).</summary>
    public static bool TryParseLabels(string text, out Dictionary<string, string> labels, out string? error)
    {
        labels = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        foreach (var pair in text.Split(','))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? "" : pair[..eq].Trim();
            if (key.Length == 0)
            {
                error = $"labels: '{pair}' is not key=value";
                return false;
            }
            if (!labels.TryAdd(key, pair[(eq + 1)..].Trim()))
            {
                error = $"labels: key '{key}' is given twice";
                return false;
            }
        }
        return true;
    }

    /// <summary>Answers one batch line <c>{"selector": "...", "labels": {...}}</c> with <c>{"matches":true}</c>, <c>{"matches":false}</c> or <c>{"error":"..."}</c>.</summary>
    public static string MatchLine(string line)
    {
        string? selectorText;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Error("expected a JSON object with \"selector\" and \"labels\"");
            if (!root.TryGetProperty("selector", out var selector) || selector.ValueKind != JsonValueKind.String)
            {
                return Error("\"selector\" must be a string");
            }
            selectorText = selector.GetString()!;
            if (root.TryGetProperty("labels", out var labelObject) && labelObject.ValueKind != JsonValueKind.Null)
            {
                if (labelObject.ValueKind != JsonValueKind.Object) return Error("\"labels\" must be an object of strings");
                foreach (var property in labelObject.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String) return Error($"label '{property.Name}' must have a string value");
                    labels[property.Name] = property.Value.GetString()!;
                }
            }
        }
        catch (JsonException e)
        {
            return Error($"invalid JSON: {e.Message}");
        }
        if (!Selector.TryParse(selectorText, out var parsed, out var syntaxError)) return Error(syntaxError.Message);
        return parsed.Matches(labels) ? "{\"matches\":true}" : "{\"matches\":false}";
    }

    /// <summary>Reads JSON lines until the end of <paramref name="input"/> and writes one answer line per non-blank input line, in order.</summary>
    public static async Task RunBatchAsync(TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            await output.WriteLineAsync(MatchLine(line).AsMemory(), cancellationToken);
        }
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>The selector under a caret pointing at the error, for terminal output.</summary>
    public static string Caret(SelectorError error) =>
        $"  {error.Selector.Replace('\n', ' ').Replace('\t', ' ')}\n  {new string(' ', error.Position)}^";

    private static string Error(string message) => $"{{\"error\":{JsonSerializer.Serialize(message)}}}";
}
