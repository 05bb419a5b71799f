using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Brindle.Api;

/// <summary>
/// Converts between YAML text and <see cref="JsonNode"/> trees, so YAML and JSON share one decoder
/// (the way Kubernetes' sigs.k8s.io/yaml turns YAML into JSON first). Plain scalars resolve by the
/// YAML 1.2 core schema (null, true/false, integers, floats); quoted scalars are always strings.
/// </summary>
internal static partial class YamlTree
{
    /// <summary>Bound on nodes produced per stream, so alias bombs cannot exhaust memory.</summary>
    private const int MaxNodes = 2_000_000;

    /// <summary>Bound on nesting, so a deeply nested document is an error rather than a stack overflow.</summary>
    private const int MaxDepth = 256;

    /// <summary>Parses every document in the stream; a syntax error throws <see cref="YamlException"/>.</summary>
    /// <remarks>Reads parser events directly (YamlDotNet's representation model costs twice as much on 10,000 documents).</remarks>
    public static List<JsonNode?> Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        var documents = new List<JsonNode?>();
        var budget = new NodeBudget();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            var anchors = new Dictionary<string, (JsonNode? Node, int Size)>(StringComparer.Ordinal);
            documents.Add(ReadNode(parser, anchors, budget, 0, out _));
            parser.Consume<DocumentEnd>();
        }
        parser.Consume<StreamEnd>();
        return documents;
    }

    private sealed class NodeBudget
    {
        private int _remaining = MaxNodes;

        public void Spend(int count, ParsingEvent at)
        {
            _remaining -= count;
            if (_remaining < 0) throw new YamlException(at.Start, at.End, "document too large (alias expansion?)");
        }
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, (JsonNode? Node, int Size)> anchors, NodeBudget budget, int depth, out int size)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of YAML stream");
        if (depth > MaxDepth) throw new YamlException(current.Start, current.End, $"document nested deeper than {MaxDepth} levels");
        JsonNode? result;
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target)) throw new YamlException(alias.Start, alias.End, $"unknown alias '{alias.Value}'");
                budget.Spend(target.Size, alias);
                size = target.Size;
                return target.Node?.DeepClone();
            case Scalar scalar:
                parser.MoveNext();
                result = ScalarValue(scalar);
                size = 1;
                break;
            case SequenceStart:
                parser.MoveNext();
                var array = new JsonArray();
                size = 1;
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    array.Add(ReadNode(parser, anchors, budget, depth + 1, out var itemSize));
                    size += itemSize;
                }
                result = array;
                break;
            case MappingStart:
                parser.MoveNext();
                var obj = new JsonObject();
                size = 1;
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (parser.Current is not Scalar { Value: var name } key)
                    {
                        var bad = parser.Current!;
                        throw new YamlException(bad.Start, bad.End, "mapping keys must be scalars");
                    }
                    parser.MoveNext();
                    if (obj.ContainsKey(name)) throw new YamlException(key.Start, key.End, $"duplicate key '{name}'");
                    obj[name] = ReadNode(parser, anchors, budget, depth + 1, out var valueSize);
                    size += valueSize;
                }
                result = obj;
                break;
            default:
                throw new YamlException(current.Start, current.End, $"unexpected YAML event {current.GetType().Name}");
        }
        budget.Spend(1, current);
        if (current is NodeEvent { Anchor: { IsEmpty: false } anchor }) anchors[anchor.Value] = (result, size);
        return result;
    }

    private static JsonValue? ScalarValue(Scalar scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" or "!" || (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) && tag is null))
        {
            return JsonValue.Create(text);
        }
        return ResolvePlain(text);
    }

    /// <summary>YAML 1.2 core-schema resolution of a plain scalar.</summary>
    internal static JsonValue? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (IntegerPattern().IsMatch(text))
        {
            // Too large for long: keep the digits exactly; the decoder reports the range error.
            return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        }
        if (FloatPattern().IsMatch(text) && double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) is var number && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    /// <summary>Writes documents as a YAML stream separated by <c>---</c>, block style, keys in tree order.</summary>
    public static string Write(IEnumerable<JsonNode> documents)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer, bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false);
        emitter.Emit(new StreamStart());
        var first = true;
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: first));
            Emit(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
            first = false;
        }
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array) Emit(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                EmitString(emitter, value.GetValue<string>());
                break;
            case JsonValue value:
                emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        // A string that would read back as null, a boolean or a number must be quoted; otherwise let the
        // emitter choose plain style when YAML allows it (it falls back to quotes for '!', ': ' and the like).
        var resolved = ResolvePlain(text);
        var needsQuotes = resolved is null || resolved.GetValueKind() != JsonValueKind.String || text.Contains('\n', StringComparison.Ordinal);
        emitter.Emit(new Scalar(null, null, text, needsQuotes ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, isPlainImplicit: true, isQuotedImplicit: true));
    }
}
