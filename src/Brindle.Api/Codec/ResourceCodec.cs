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

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Decodes every document in <paramref name="text"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static ReadResult Read(string text, string sourceName)
    {
        var documents = new List<Document>();
        var errors = new List<ResourceError>();
        List<JsonNode?> roots;
        try
        {
            roots = LooksLikeJson(text) ? [JsonNode.Parse(text, documentOptions: new() { CommentHandling = JsonCommentHandling.Skip })] : YamlTree.Parse(text);
        }
        catch (JsonException e)
        {
            errors.Add(new(sourceName, null, null, null, null, $"invalid JSON at line {(e.LineNumber ?? 0) + 1}: {FirstSentence(e.Message)}"));
            return new(documents, errors);
        }
        catch (YamlException e)
        {
            errors.Add(new(sourceName, null, null, null, null, $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}"));
            return new(documents, errors);
        }

        var index = 0;
        foreach (var item in roots.Where(r => r is not null).SelectMany(Flatten))
        {
            index++;
            var decoded = DecodeDocument(item, sourceName, index);
            if (decoded.Document is not null) documents.Add(decoded.Document);
            errors.AddRange(decoded.Errors);
        }
        return new(documents, errors);
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

    private static IEnumerable<JsonNode?> Flatten(JsonNode? root)
    {
        if (root is JsonArray array)
        {
            foreach (var item in array) yield return item;
        }
        else if (root is JsonObject obj && obj["kind"] is JsonValue kind && kind.TryGetValue(out string? name)
            && name.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items)
        {
            foreach (var item in items) yield return item;
        }
        else
        {
            yield return root;
        }
    }

    private static (Document? Document, List<ResourceError> Errors) DecodeDocument(JsonNode? node, string source, int index)
    {
        var errors = new List<ResourceError>();
        if (node is not JsonObject obj)
        {
            errors.Add(new(source, index, null, null, null, $"expected a resource object, got {ObjectMapper.Describe(node)}"));
            return (null, errors);
        }
        var apiVersion = StringField(obj, "apiVersion");
        var kindName = StringField(obj, "kind");
        var displayName = DisplayName(obj);
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
                var v3 = V1Converter.Convert(obj, fieldErrors, notes);
                foreach (var e in fieldErrors) errors.Add(new(source, index, kindName, displayName, e.Field, e.Reason));
                if (v3 is null || fieldErrors.Count > 0) return (null, errors);
                obj = v3;
                converted = true;
                ResourceKinds.TryFindManifestKind(StringField(obj, "apiVersion")!, StringField(obj, "kind")!, out kind);
                kindName = kind?.Name ?? kindName;
                displayName = DisplayName(obj);
            }
            if (kind is null)
            {
                errors.Add(new(source, index, kindName, displayName, "kind", UnknownKindReason(apiVersion, kindName)));
                return (null, errors);
            }
        }

        var fieldProblems = new List<FieldError>();
        var resource = (Resource?)ObjectMapper.ReadRecord(obj, kind.ClrType, fieldProblems, EnvelopeFields);
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

    private static string? StringField(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static string? DisplayName(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata) return null;
        var name = StringField(metadata, "name");
        var ns = StringField(metadata, "namespace");
        return ns is null ? name : $"{ns}/{name}";
    }
}
