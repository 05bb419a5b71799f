using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>A problem at one field path while decoding or validating (path like <c>spec.ingress[0].action</c>).</summary>
internal sealed record FieldError(string Field, string Reason);

/// <summary>
/// Maps resource records to and from <see cref="JsonNode"/> trees by reflection over their init properties.
/// Strict like Calico's decoder: unknown fields, wrong value types, unknown enum values and missing
/// <c>required</c> members are errors. Unlike System.Text.Json it carries on after an error, so one pass
/// reports every problem in a document with its field path.
/// JSON names are the camelCase property names unless <see cref="JsonPropertyNameAttribute"/> says otherwise.
/// </summary>
internal static class ObjectMapper
{
    private static readonly ConcurrentDictionary<Type, RecordShape> Shapes = new();

    public static object? Decode(JsonNode? node, Type type, string path, List<FieldError> errors)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) type = underlying;
        if (node is null) return null;

        if (type == typeof(string)) return ReadScalar<string?>(node, path, errors, "a string", (JsonValue v, out string? s) => v.TryGetValue(out s));
        if (type == typeof(bool)) return ReadScalar(node, path, errors, "true or false", (JsonValue v, out bool b) => v.TryGetValue(out b));
        if (type == typeof(int)) return ReadInteger(node, path, errors, int.MinValue, int.MaxValue) is { } i ? (int)i : null;
        if (type == typeof(long)) return ReadInteger(node, path, errors, long.MinValue, long.MaxValue);
        if (type == typeof(double)) return ReadScalar<double>(node, path, errors, "a number", TryGetDouble);
        if (type == typeof(DateTimeOffset)) return ReadTimestamp(node, path, errors);
        if (type.IsEnum) return ReadEnum(node, type, path, errors);
        if (type == typeof(Cidr)) return ReadCidr(node, path, errors);
        if (type == typeof(Port)) return ReadNumberOrString(node, path, errors, "a port number, range or name", Port.Number, Port.Parse);
        if (type == typeof(Protocol)) return ReadNumberOrString(node, path, errors, "a protocol name or number", Protocol.FromNumber, Protocol.Parse);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>)) return ReadArray(node, type, path, errors);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableMap<>)) return ReadMap(node, type, path, errors);
        return ReadRecord(node, type, path, errors, ignoredFields: null);
    }

    /// <summary>Decodes an object's fields into a record, skipping <paramref name="ignoredFields"/> (apiVersion, kind).</summary>
    public static object? ReadRecord(JsonNode node, Type type, string path, List<FieldError> errors, IReadOnlySet<string>? ignoredFields)
    {
        if (node is not JsonObject obj)
        {
            errors.Add(new(path, $"expected an object, got {Describe(node)}"));
            return null;
        }
        var shape = ShapeOf(type);
        var instance = Activator.CreateInstance(type)!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in obj)
        {
            if (ignoredFields?.Contains(name) == true) continue;
            var fieldPath = Join(path, name);
            if (!shape.ByName.TryGetValue(name, out var field))
            {
                errors.Add(new(fieldPath, "unknown field"));
                continue;
            }
            var decoded = Decode(value, field.Property.PropertyType, fieldPath, errors);
            if (decoded is null) continue;
            seen.Add(name);
            field.Property.SetValue(instance, decoded);
        }
        foreach (var field in shape.Fields)
        {
            if (field.Required && !seen.Contains(field.JsonName)
                && !(obj.TryGetPropertyValue(field.JsonName, out var present) && present is not null))
            {
                errors.Add(new(Join(path, field.JsonName), "required field is missing"));
            }
        }
        return instance;
    }

    public static JsonNode? Encode(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int i:
                return JsonValue.Create(i);
            case long l:
                return JsonValue.Create(l);
            case double d:
                return d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);
            case DateTimeOffset t:
                return JsonValue.Create(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            case Enum e:
                return JsonValue.Create(e.ToString());
            case Cidr c:
                return JsonValue.Create(c.ToString());
            case Port p:
                return p.IsNamed || p.IsRange ? JsonValue.Create(p.ToString()) : JsonValue.Create(p.MinPort);
            case Protocol p:
                return p.Name is not null ? JsonValue.Create(p.Name) : JsonValue.Create(p.NumberValue ?? 0);
            case System.Collections.IEnumerable when IsGeneric(value.GetType(), typeof(EquatableArray<>)):
                return EncodeArray((System.Collections.IEnumerable)value);
            case System.Collections.IEnumerable when IsGeneric(value.GetType(), typeof(EquatableMap<>)):
                return EncodeMap((System.Collections.IEnumerable)value);
            default:
                return EncodeRecord(value);
        }
    }

    public static JsonObject EncodeRecord(object value)
    {
        var result = new JsonObject();
        foreach (var field in ShapeOf(value.GetType()).Fields)
        {
            var encoded = Encode(field.Property.GetValue(value));
            if (encoded is not null) result[field.JsonName] = encoded;
        }
        return result;
    }

    private static JsonArray? EncodeArray(System.Collections.IEnumerable items)
    {
        var array = new JsonArray();
        foreach (var item in items) array.Add(Encode(item));
        return array.Count == 0 ? null : array;
    }

    private static JsonObject? EncodeMap(System.Collections.IEnumerable items)
    {
        var map = new JsonObject();
        foreach (var item in items)
        {
            var type = item.GetType();
            var key = (string)type.GetProperty("Key")!.GetValue(item)!;
            map[key] = Encode(type.GetProperty("Value")!.GetValue(item));
        }
        return map.Count == 0 ? null : map;
    }

    private static bool IsGeneric(Type type, Type definition) => type.IsGenericType && type.GetGenericTypeDefinition() == definition;

    private delegate bool TryGet<T>(JsonValue value, out T result);

    private static object? ReadScalar<T>(JsonNode node, string path, List<FieldError> errors, string expected, TryGet<T> tryGet)
    {
        if (node is JsonValue value && IsKind(value, expected) && tryGet(value, out var result)) return result;
        errors.Add(new(path, $"expected {expected}, got {Describe(node)}"));
        return null;
    }

    private static bool IsKind(JsonValue value, string expected) => value.GetValueKind() switch
    {
        JsonValueKind.String => expected == "a string",
        JsonValueKind.True or JsonValueKind.False => expected == "true or false",
        JsonValueKind.Number => expected == "a number",
        _ => false,
    };

    private static bool TryGetDouble(JsonValue value, out double result)
    {
        if (value.TryGetValue(out result)) return true;
        if (value.TryGetValue(out long l))
        {
            result = l;
            return true;
        }
        return false;
    }

    private static long? ReadInteger(JsonNode node, string path, List<FieldError> errors, long min, long max)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            if (TryGetDouble(value, out var d) && d != Math.Floor(d))
            {
                errors.Add(new(path, $"expected an integer, got {node.ToJsonString()}"));
                return null;
            }
            if (value.TryGetValue(out long l) || (TryGetDouble(value, out d) && d >= long.MinValue && d <= long.MaxValue && (l = (long)d) == d))
            {
                if (l >= min && l <= max) return l;
            }
            errors.Add(new(path, $"integer {node.ToJsonString()} is out of range"));
            return null;
        }
        errors.Add(new(path, $"expected an integer, got {Describe(node)}"));
        return null;
    }

    private static object? ReadTimestamp(JsonNode node, string path, List<FieldError> errors)
    {
        if (node is JsonValue value && value.TryGetValue(out string? text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        errors.Add(new(path, $"expected an RFC 3339 timestamp, got {Describe(node)}"));
        return null;
    }

    private static object? ReadEnum(JsonNode node, Type type, string path, List<FieldError> errors)
    {
        var names = Enum.GetNames(type);
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue(out string? text))
        {
            if (names.Contains(text, StringComparer.Ordinal)) return Enum.Parse(type, text);
            errors.Add(new(path, $"invalid value '{text}' (expected one of {string.Join(", ", names)})"));
            return null;
        }
        errors.Add(new(path, $"expected one of {string.Join(", ", names)}, got {Describe(node)}"));
        return null;
    }

    private static Cidr? ReadCidr(JsonNode node, string path, List<FieldError> errors)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue(out string? text))
        {
            if (Cidr.TryParse(text, out var cidr, out var error)) return cidr;
            errors.Add(new(path, error));
            return null;
        }
        errors.Add(new(path, $"expected a CIDR string, got {Describe(node)}"));
        return null;
    }

    private static T? ReadNumberOrString<T>(JsonNode node, string path, List<FieldError> errors, string expected, Func<long, T> fromNumber, Func<string, T> fromString)
        where T : class
    {
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.Number:
                    return ReadInteger(node, path, errors, long.MinValue, long.MaxValue) is { } n ? fromNumber(n) : null;
                case JsonValueKind.String when value.TryGetValue(out string? text) && text.Length > 0:
                    return fromString(text);
            }
        }
        errors.Add(new(path, $"expected {expected}, got {Describe(node)}"));
        return null;
    }

    private static object? ReadArray(JsonNode node, Type type, string path, List<FieldError> errors)
    {
        if (node is not JsonArray array)
        {
            errors.Add(new(path, $"expected a list, got {Describe(node)}"));
            return null;
        }
        var elementType = type.GetGenericArguments()[0];
        var items = Array.CreateInstance(elementType, array.Count);
        var count = 0;
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (array[i] is null)
            {
                errors.Add(new(itemPath, "null is not allowed in a list"));
                continue;
            }
            var item = Decode(array[i], elementType, itemPath, errors);
            if (item is not null) items.SetValue(item, count++);
        }
        var trimmed = Array.CreateInstance(elementType, count);
        Array.Copy(items, trimmed, count);
        return Activator.CreateInstance(type, trimmed);
    }

    private static object? ReadMap(JsonNode node, Type type, string path, List<FieldError> errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add(new(path, $"expected a map, got {Describe(node)}"));
            return null;
        }
        var valueType = type.GetGenericArguments()[0];
        var pairType = typeof(KeyValuePair<,>).MakeGenericType(typeof(string), valueType);
        var pairs = Array.CreateInstance(pairType, obj.Count);
        var count = 0;
        foreach (var (key, value) in obj)
        {
            var item = Decode(value, valueType, Join(path, key), errors);
            if (item is not null) pairs.SetValue(Activator.CreateInstance(pairType, key, item), count++);
            else if (value is null) errors.Add(new(Join(path, key), "null is not allowed as a value"));
        }
        var trimmed = Array.CreateInstance(pairType, count);
        Array.Copy(pairs, trimmed, count);
        return Activator.CreateInstance(type, trimmed);
    }

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

    private static RecordShape ShapeOf(Type type) => Shapes.GetOrAdd(type, static t => new RecordShape(t));

    private sealed record Field(string JsonName, PropertyInfo Property, bool Required);

    private sealed class RecordShape
    {
        public RecordShape(Type type)
        {
            var chain = new List<Type>();
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Insert(0, t);
            Fields =
            [
                .. chain.SelectMany(t => t
                    .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
                    .OrderBy(p => p.MetadataToken)
                    .Select(p => new Field(JsonName(p), p, p.IsDefined(typeof(RequiredMemberAttribute), inherit: false)))),
            ];
            ByName = Fields.ToDictionary(f => f.JsonName, StringComparer.Ordinal);
        }

        public IReadOnlyList<Field> Fields { get; }

        public Dictionary<string, Field> ByName { get; }

        private static string JsonName(PropertyInfo property) =>
            property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
            ?? char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
    }
}
