using System.Text.Json;
using System.Text.Json.Nodes;

namespace Brindle.Api;

/// <summary>
/// Reads the fields of one v1 object, remembering which were used, so that <see cref="Finish"/> can report
/// the unknown ones with their v1 field path (strict like the v3 decoder).
/// </summary>
internal sealed class V1Object(JsonObject source, string path, List<FieldError> errors)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public string Path { get; } = path;

    public List<FieldError> Errors { get; } = errors;

    public static V1Object Of(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is JsonObject obj) return new V1Object(obj, path, errors);
        if (node is not null) errors.Add(new(path, $"expected an object, got {ObjectMapper.Describe(node)}"));
        return new V1Object([], path, errors);
    }

    public string At(string name) => ObjectMapper.Join(Path, name);

    /// <summary>The raw value (a deep copy, so it can be placed in the v3 tree), or null.</summary>
    public JsonNode? Take(string name)
    {
        _used.Add(name);
        return source[name]?.DeepClone();
    }

    public string? String(string name)
    {
        var node = Take(name);
        if (node is null) return null;
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String) return value.GetValue<string>();
        Errors.Add(new(At(name), $"expected a string, got {ObjectMapper.Describe(node)}"));
        return null;
    }

    public bool? Bool(string name)
    {
        var node = Take(name);
        if (node is null) return null;
        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return value.GetValue<bool>();
        Errors.Add(new(At(name), $"expected true or false, got {ObjectMapper.Describe(node)}"));
        return null;
    }

    public V1Object Object(string name) => Of(Take(name), At(name), Errors);

    public bool Has(string name) => source[name] is not null;

    /// <summary>The elements of a list field, each with its path; a non-list is reported.</summary>
    public IEnumerable<(JsonNode? Item, string Path)> List(string name)
    {
        var node = Take(name);
        if (node is null) yield break;
        if (node is not JsonArray array)
        {
            Errors.Add(new(At(name), $"expected a list, got {ObjectMapper.Describe(node)}"));
            yield break;
        }
        for (var i = 0; i < array.Count; i++) yield return (array[i], $"{At(name)}[{i}]");
    }

    /// <summary>Reports every field that was not read.</summary>
    public void Finish()
    {
        foreach (var (name, _) in source)
        {
            if (!_used.Contains(name)) Errors.Add(new(At(name), "unknown field"));
        }
    }
}
