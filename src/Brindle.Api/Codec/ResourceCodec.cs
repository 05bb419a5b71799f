using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace Brindle.Api;

/// <summary>
/// Reads manifests (YAML or JSON; multi-document YAML, a YAML/JSON list of documents, or a <c>kind: List</c>
/// / <c>kind: &lt;Kind&gt;List</c> with <c>items</c>) into resources, and writes resources as YAML, JSON and
/// compact storage JSON. Decoding is strict: unknown fields, wrong types and unknown enum values are errors
/// with their field path. Old calicoctl v1 manifests are converted by <see cref="V1Converter"/>.
/// This type does no validation beyond the shape of the data; use <see cref="ResourceValidator"/>.
/// </summary>
public static class ResourceCodec
{
    private static readonly HashSet<string> EnvelopeFields = new(StringComparer.Ordinal) { "apiVersion", "kind" };

    /// <summary>Comments allowed; duplicate keys rejected by the parser (they would otherwise throw while decoding).</summary>
    private static readonly JsonDocumentOptions JsonReading = new() { CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Decodes every document in <paramref name="text"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static ReadResult Read(string text, string sourceName)
    {
        var documents = new List<Document>();
        var errors = new List<ResourceError>();
        try
        {
            if (LooksLikeJson(text))
            {
                // Decoded records hold no reference to the JSON buffer, so it can go back to the pool at once.
                using var json = JsonDocument.Parse(text, JsonReading);
                DecodeAll([json.RootElement], sourceName, documents, errors);
            }
            else
            {
                var roots = YamlTree.Parse(text).Where(r => r is not null).Select(r => JsonSerializer.SerializeToElement(r));
                DecodeAll([.. roots], sourceName, documents, errors);
            }
        }
        catch (JsonException e)
        {
            errors.Add(new(sourceName, null, null, null, null, $"invalid JSON at line {(e.LineNumber ?? 0) + 1}: {FirstSentence(e.Message)}"));
        }
        catch (YamlException e)
        {
            errors.Add(new(sourceName, null, null, null, null, $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}"));
        }
        return new(documents, errors);
    }

    private static void DecodeAll(IReadOnlyList<JsonElement> roots, string sourceName, List<Document> documents, List<ResourceError> errors)
    {
        var index = 0;
        foreach (var item in roots.SelectMany(Flatten))
        {
            index++;
            var decoded = DecodeDocument(item, sourceName, index);
            if (decoded.Document is not null) documents.Add(decoded.Document);
            errors.AddRange(decoded.Errors);
        }
    }

    /// <summary>One resource as a YAML document, fields in Calico's order, nulls and empty lists omitted.</summary>
    public static string WriteYaml(Resource resource) => YamlTree.Write([ToJsonNode(resource)]);

    /// <summary>Resources as a YAML stream of documents separated by <c>---</c>.</summary>
    public static string WriteYaml(IEnumerable<Resource> resources) => YamlTree.Write(resources.Select(ToJsonNode));

    /// <summary>One resource as indented JSON.</summary>
    public static string WriteJson(Resource resource) => ToJsonNode(resource).ToJsonString(Indented);

    /// <summary>Resources as an indented JSON array.</summary>
    public static string WriteJson(IEnumerable<Resource> resources) =>
        new JsonArray([.. resources.Select(r => (JsonNode)ToJsonNode(r))]).ToJsonString(Indented);

    /// <summary>Compact JSON for the datastore value (apiVersion, kind, metadata, spec).</summary>
    public static string ToJson(Resource resource) => ToJsonNode(resource).ToJsonString();

    /// <summary>The JSON tree of a resource (for patching and custom output).</summary>
    public static JsonObject ToJsonNode(Resource resource)
    {
        var body = ObjectMapper.EncodeRecord(resource);
        var result = new JsonObject
        {
            ["apiVersion"] = resource.ApiVersion,
            ["kind"] = resource.Kind,
        };
        var fields = body.ToList();
        body.Clear();
        foreach (var (name, value) in fields) result[name] = value;
        return result;
    }

    /// <summary>Decodes a stored value; throws <see cref="ResourceFormatException"/> if it is not one valid resource.</summary>
    public static Resource FromJson(string json)
    {
        var result = Read(json, "datastore");
        if (result.Errors.Count > 0) throw new ResourceFormatException(result.Errors);
        if (result.Documents.Count != 1) throw new ResourceFormatException([new("datastore", null, null, null, null, $"expected one resource, found {result.Documents.Count}")]);
        return result.Documents[0].Resource;
    }

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] is '{' or '[';
    }

    private static string FirstSentence(string message) =>
        message.IndexOf(" Path:", StringComparison.Ordinal) is var i and > 0 ? message[..i] : message;

    private static IEnumerable<JsonElement> Flatten(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in root.EnumerateArray()) yield return item;
        }
        else if (root.ValueKind == JsonValueKind.Object && StringField(root, "kind") is { } name && name.EndsWith("List", StringComparison.Ordinal)
                 && root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray()) yield return item;
        }
        else
        {
            yield return root;
        }
    }

    private static (Document? Document, List<ResourceError> Errors) DecodeDocument(JsonElement element, string source, int index)
    {
        var errors = new List<ResourceError>();
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(source, index, null, null, null, $"expected a resource object, got {ObjectMapper.Describe(element)}"));
            return (null, errors);
        }
        var apiVersion = StringField(element, "apiVersion");
        var kindName = StringField(element, "kind");
        var displayName = DisplayName(element);
        if (apiVersion is null || kindName is null)
        {
            errors.Add(new(source, index, kindName, displayName, apiVersion is null ? "apiVersion" : "kind", "required field is missing or not a string"));
            return (null, errors);
        }

        var notes = new List<string>();
        var converted = false;
        if (!ResourceKinds.TryFindManifestKind(apiVersion, kindName, out var kind))
        {
            if (V1Converter.IsV1Manifest(apiVersion, kindName))
            {
                var fieldErrors = new List<FieldError>();
                var v3 = V1Converter.Convert(JsonObject.Create(element)!, fieldErrors, notes);
                foreach (var e in fieldErrors) errors.Add(new(source, index, kindName, displayName, e.Field, e.Reason));
                if (v3 is null || fieldErrors.Count > 0) return (null, errors);
                element = JsonSerializer.SerializeToElement(v3);
                converted = true;
                ResourceKinds.TryFindManifestKind(StringField(element, "apiVersion")!, StringField(element, "kind")!, out kind);
                kindName = kind?.Name ?? kindName;
                displayName = DisplayName(element);
            }
            if (kind is null)
            {
                errors.Add(new(source, index, kindName, displayName, "kind", UnknownKindReason(apiVersion, kindName)));
                return (null, errors);
            }
        }

        var fieldProblems = new List<FieldError>();
        var resource = (Resource?)ObjectMapper.ReadRecord(element, kind.ClrType, fieldProblems, EnvelopeFields);
        foreach (var e in fieldProblems) errors.Add(new(source, index, kind.Name, displayName, e.Field, e.Reason));
        if (resource is null || fieldProblems.Count > 0) return (null, errors);
        return (new Document(resource, source, index) { ConvertedFromV1 = converted, ConversionNotes = [.. notes] }, errors);
    }

    private static string UnknownKindReason(string apiVersion, string kindName)
    {
        if (kindName == "CalicoAPIConfig") return "CalicoAPIConfig is client configuration, not a resource (pass it with --config)";
        if (ResourceKinds.TryResolve(kindName, out var alias)) return $"unknown kind '{kindName}' for apiVersion '{apiVersion}' (did you mean apiVersion {alias.ApiVersion}, kind {alias.Name}?)";
        return $"unknown kind '{kindName}' for apiVersion '{apiVersion}'";
    }

    private static string? StringField(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? DisplayName(JsonElement obj)
    {
        if (!obj.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object) return null;
        var name = StringField(metadata, "name");
        var ns = StringField(metadata, "namespace");
        return ns is null ? name : $"{ns}/{name}";
    }
}
