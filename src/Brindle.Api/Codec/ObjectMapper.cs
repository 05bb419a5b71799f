using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>A problem at one field path while decoding or validating (path like <c>spec.ingress[0].action</c>).</summary>
internal sealed record FieldError(string Field, string Reason);

/// <summary>
/// Maps resource records to and from <see cref="JsonNode"/> trees. Strict like Calico's decoder: unknown
/// fields, wrong value types, unknown enum values and missing <c>required</c> members are errors. Unlike
/// System.Text.Json it carries on after an error, so one pass reports every problem in a document with its
/// field path. JSON names are the camelCase property names unless <see cref="JsonPropertyNameAttribute"/>
/// says otherwise; fields are written in declaration order, base record first (Calico's Go field order).
/// Each type's codec is built once by reflection and compiled, so decoding does no per-call reflection.
/// </summary>
internal static class ObjectMapper
{
    private static readonly ConcurrentDictionary<Type, ValueCodec> Codecs = new();

    /// <summary>Decodes an object into a record of <paramref name="type"/>, skipping <paramref name="ignoredFields"/> (apiVersion, kind).</summary>
    public static object? ReadRecord(JsonElement node, Type type, List<FieldError> errors, IReadOnlySet<string>? ignoredFields)
    {
        var codec = (RecordCodec)CodecFor(type);
        return codec.Decode(node, new FieldPath(errors), ignoredFields);
    }

    /// <summary>Encodes a record as a JSON object (nulls and empty collections omitted).</summary>
    public static JsonObject EncodeRecord(object value) => (JsonObject)CodecFor(value.GetType()).Encode(value)!;

    internal static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    internal static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"string \"{v.GetValue<string>()}\"",
            JsonValueKind.Number => $"number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"boolean {v.ToJsonString()}",
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"string \"{element.GetString()}\"",
        JsonValueKind.Number => $"number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"boolean {element.GetRawText()}",
        _ => "null",
    };

    private static ValueCodec CodecFor(Type type) => Codecs.GetOrAdd(type, static t => Build(t));

    private static ValueCodec Build(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return CodecFor(underlying);
        if (type == typeof(string)) return new ScalarCodec(JsonValueKind.String, "a string", v => v.GetString()!, o => JsonValue.Create((string)o));
        if (type == typeof(bool)) return new ScalarCodec(JsonValueKind.True, "true or false", v => v.GetBoolean(), o => JsonValue.Create((bool)o));
        if (type == typeof(int)) return new IntegerCodec(int.MinValue, int.MaxValue, l => (int)l, o => JsonValue.Create((int)o));
        if (type == typeof(long)) return new IntegerCodec(long.MinValue, long.MaxValue, l => l, o => JsonValue.Create((long)o));
        if (type == typeof(double)) return new ScalarCodec(JsonValueKind.Number, "a number", v => v.GetDouble(), o => EncodeDouble((double)o));
        if (type == typeof(DateTimeOffset)) return new TimestampCodec();
        if (type.IsEnum) return new EnumCodec(type);
        if (type == typeof(Cidr)) return new CidrCodec();
        if (type == typeof(Port)) return new NumberOrStringCodec("a port number, range or name", n => Port.Number(n), Port.Parse, EncodePort);
        if (type == typeof(Protocol)) return new NumberOrStringCodec("a protocol name or number", Protocol.FromNumber, Protocol.Parse, EncodeProtocol);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
        {
            return (ValueCodec)Activator.CreateInstance(typeof(ArrayCodec<>).MakeGenericType(type.GetGenericArguments()))!;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableMap<>))
        {
            return (ValueCodec)Activator.CreateInstance(typeof(MapCodec<>).MakeGenericType(type.GetGenericArguments()))!;
        }
        return new RecordCodec(type);
    }

    private static JsonNode EncodePort(object value)
    {
        var port = (Port)value;
        return port.IsNamed || port.IsRange ? JsonValue.Create(port.ToString())! : JsonValue.Create(port.MinPort);
    }

    private static JsonNode EncodeProtocol(object value)
    {
        var protocol = (Protocol)value;
        return protocol.Name is { } name ? JsonValue.Create(name)! : JsonValue.Create(protocol.NumberValue ?? 0);
    }

    private static JsonValue EncodeDouble(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);

    /// <summary>The path of the value being decoded, kept as a stack and only turned into text for an error.</summary>
    private sealed class FieldPath(List<FieldError> errors)
    {
        private readonly List<(string? Name, int Index)> _segments = [];

        public void Push(string name) => _segments.Add((name, -1));

        public void Push(int index) => _segments.Add((null, index));

        public void Pop() => _segments.RemoveAt(_segments.Count - 1);

        public void Error(string reason) => errors.Add(new(ToString(), reason));

        public override string ToString()
        {
            var text = new System.Text.StringBuilder();
            foreach (var (name, index) in _segments)
            {
                if (name is null) text.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                else text.Append(text.Length == 0 ? "" : ".").Append(name);
            }
            return text.ToString();
        }
    }

    private abstract class ValueCodec
    {
        /// <summary>Decodes a non-null element; returns null after reporting an error.</summary>
        public abstract object? Decode(JsonElement node, FieldPath path);

        /// <summary>Encodes a non-null value; null means "omit" (empty collections).</summary>
        public abstract JsonNode? Encode(object value);
    }

    private sealed class ScalarCodec(JsonValueKind kind, string expected, Func<JsonElement, object> read, Func<object, JsonNode> write) : ValueCodec
    {
        public override object? Decode(JsonElement node, FieldPath path)
        {
            var actual = node.ValueKind;
            if (actual == kind || (kind == JsonValueKind.True && actual == JsonValueKind.False))
            {
                if (kind != JsonValueKind.Number || (node.TryGetDouble(out var d) && double.IsFinite(d))) return read(node);
                path.Error($"number {node.GetRawText()} is out of range");
                return null;
            }
            path.Error($"expected {expected}, got {Describe(node)}");
            return null;
        }

        public override JsonNode Encode(object value) => write(value);
    }

    private sealed class IntegerCodec(long min, long max, Func<long, object> box, Func<object, JsonNode> write) : ValueCodec
    {
        public override object? Decode(JsonElement node, FieldPath path) => ReadInteger(node, path, min, max) is { } l ? box(l) : null;

        public override JsonNode Encode(object value) => write(value);
    }

    private static long? ReadInteger(JsonElement node, FieldPath path, long min, long max)
    {
        if (node.ValueKind == JsonValueKind.Number)
        {
            if (node.TryGetInt64(out var l))
            {
                if (l >= min && l <= max) return l;
            }
            else if (node.TryGetDouble(out var d) && double.IsFinite(d) && d != Math.Floor(d))
            {
                path.Error($"expected an integer, got {node.GetRawText()}");
                return null;
            }
            path.Error($"integer {node.GetRawText()} is out of range");
            return null;
        }
        path.Error($"expected an integer, got {Describe(node)}");
        return null;
    }

    private sealed class TimestampCodec : ValueCodec
    {
        public override object? Decode(JsonElement node, FieldPath path)
        {
            if (node.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(node.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }
            path.Error($"expected an RFC 3339 timestamp, got {Describe(node)}");
            return null;
        }

        public override JsonNode Encode(object value) =>
            JsonValue.Create(((DateTimeOffset)value).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    private sealed class EnumCodec(Type type) : ValueCodec
    {
        private readonly Dictionary<string, object> _values = Enum.GetNames(type).ToDictionary(n => n, n => Enum.Parse(type, n), StringComparer.Ordinal);
        private readonly string _expected = string.Join(", ", Enum.GetNames(type));

        public override object? Decode(JsonElement node, FieldPath path)
        {
            if (node.ValueKind == JsonValueKind.String)
            {
                var text = node.GetString()!;
                if (_values.TryGetValue(text, out var result)) return result;
                path.Error($"invalid value '{text}' (expected one of {_expected})");
                return null;
            }
            path.Error($"expected one of {_expected}, got {Describe(node)}");
            return null;
        }

        public override JsonNode Encode(object value) => JsonValue.Create(value.ToString())!;
    }

    private sealed class CidrCodec : ValueCodec
    {
        public override object? Decode(JsonElement node, FieldPath path)
        {
            if (node.ValueKind == JsonValueKind.String)
            {
                if (Cidr.TryParse(node.GetString(), out var cidr, out var error)) return cidr;
                path.Error(error);
                return null;
            }
            path.Error($"expected a CIDR string, got {Describe(node)}");
            return null;
        }

        public override JsonNode Encode(object value) => JsonValue.Create(value.ToString())!;
    }

    private sealed class NumberOrStringCodec(string expected, Func<long, object> fromNumber, Func<string, object> fromString, Func<object, JsonNode> write) : ValueCodec
    {
        public override object? Decode(JsonElement node, FieldPath path)
        {
            switch (node.ValueKind)
            {
                case JsonValueKind.Number:
                    return ReadInteger(node, path, long.MinValue, long.MaxValue) is { } n ? fromNumber(n) : null;
                case JsonValueKind.String when node.GetString() is { Length: > 0 } text:
                    return fromString(text);
            }
            path.Error($"expected {expected}, got {Describe(node)}");
            return null;
        }

        public override JsonNode Encode(object value) => write(value);
    }

    private sealed class ArrayCodec<T> : ValueCodec
    {
        private readonly ValueCodec _element = CodecFor(typeof(T));

        public override object? Decode(JsonElement node, FieldPath path)
        {
            if (node.ValueKind != JsonValueKind.Array)
            {
                path.Error($"expected a list, got {Describe(node)}");
                return null;
            }
            var items = ImmutableArray.CreateBuilder<T>(node.GetArrayLength());
            var i = 0;
            foreach (var item in node.EnumerateArray())
            {
                path.Push(i++);
                if (item.ValueKind == JsonValueKind.Null) path.Error("null is not allowed in a list");
                else if (_element.Decode(item, path) is T decoded) items.Add(decoded);
                path.Pop();
            }
            return (EquatableArray<T>)items.ToImmutable();
        }

        public override JsonNode? Encode(object value)
        {
            var items = (EquatableArray<T>)value;
            if (items.IsEmpty) return null;
            var array = new JsonArray();
            foreach (var item in items) array.Add(_element.Encode(item!));
            return array;
        }
    }

    private sealed class MapCodec<T> : ValueCodec
    {
        private readonly ValueCodec _value = CodecFor(typeof(T));

        public override object? Decode(JsonElement node, FieldPath path)
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                path.Error($"expected a map, got {Describe(node)}");
                return null;
            }
            var pairs = new List<KeyValuePair<string, T>>();
            foreach (var property in node.EnumerateObject())
            {
                path.Push(property.Name);
                if (property.Value.ValueKind == JsonValueKind.Null) path.Error("null is not allowed as a value");
                else if (_value.Decode(property.Value, path) is T decoded) pairs.Add(KeyValuePair.Create(property.Name, decoded));
                path.Pop();
            }
            return new EquatableMap<T>(pairs);
        }

        public override JsonNode? Encode(object value)
        {
            var map = (EquatableMap<T>)value;
            if (map.IsEmpty) return null;
            var result = new JsonObject();
            foreach (var (key, item) in map) result[key] = _value.Encode(item!);
            return result;
        }
    }

    private sealed class RecordCodec : ValueCodec
    {
        private readonly Func<object> _create;
        private readonly Field[] _fields;
        private readonly Dictionary<string, Field> _byName;

        public RecordCodec(Type type)
        {
            _create = Expression.Lambda<Func<object>>(Expression.Convert(Expression.New(type), typeof(object))).Compile();
            var chain = new List<Type>();
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Insert(0, t);
            _fields =
            [
                .. chain.SelectMany(t => t
                    .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0)
                    .OrderBy(p => p.MetadataToken)
                    .Select(p => new Field(p))),
            ];
            _byName = _fields.ToDictionary(f => f.JsonName, StringComparer.Ordinal);
        }

        public override object? Decode(JsonElement node, FieldPath path) => Decode(node, path, null);

        public object? Decode(JsonElement node, FieldPath path, IReadOnlySet<string>? ignoredFields)
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                path.Error($"expected an object, got {Describe(node)}");
                return null;
            }
            var instance = _create();
            var present = 0;
            foreach (var property in node.EnumerateObject())
            {
                var name = property.Name;
                if (ignoredFields?.Contains(name) == true) continue;
                path.Push(name);
                if (!_byName.TryGetValue(name, out var field))
                {
                    path.Error("unknown field");
                }
                else if (property.Value.ValueKind != JsonValueKind.Null)
                {
                    if (field.Required) present++;
                    if (field.Codec.Decode(property.Value, path) is { } decoded) field.Set(instance, decoded);
                }
                path.Pop();
            }
            if (present != RequiredCount) ReportMissing(node, path);
            return instance;
        }

        private int RequiredCount => _requiredCount ??= _fields.Count(f => f.Required);

        private int? _requiredCount;

        private void ReportMissing(JsonElement obj, FieldPath path)
        {
            foreach (var field in _fields)
            {
                if (field.Required && (!obj.TryGetProperty(field.JsonName, out var value) || value.ValueKind == JsonValueKind.Null))
                {
                    path.Push(field.JsonName);
                    path.Error("required field is missing");
                    path.Pop();
                }
            }
        }

        public override JsonNode Encode(object value)
        {
            var result = new JsonObject();
            foreach (var field in _fields)
            {
                if (field.Get(value) is { } fieldValue && field.Codec.Encode(fieldValue) is { } encoded) result[field.JsonName] = encoded;
            }
            return result;
        }
    }

    /// <summary>One record property: its JSON name, compiled accessors and (lazily, for nested types) its codec.</summary>
    private sealed class Field
    {
        private readonly Type _type;
        private ValueCodec? _codec;

        public Field(PropertyInfo property)
        {
            _type = property.PropertyType;
            JsonName = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            Required = property.IsDefined(typeof(RequiredMemberAttribute), inherit: false);
            var instance = Expression.Parameter(typeof(object));
            var value = Expression.Parameter(typeof(object));
            var typed = Expression.Convert(instance, property.DeclaringType!);
            Get = Expression.Lambda<Func<object, object?>>(Expression.Convert(Expression.Property(typed, property), typeof(object)), instance).Compile();
            Set = Expression.Lambda<Action<object, object>>(Expression.Call(typed, property.SetMethod!, Expression.Convert(value, _type)), instance, value).Compile();
        }

        public string JsonName { get; }

        public bool Required { get; }

        public Func<object, object?> Get { get; }

        public Action<object, object> Set { get; }

        public ValueCodec Codec => _codec ??= CodecFor(_type);
    }
}
