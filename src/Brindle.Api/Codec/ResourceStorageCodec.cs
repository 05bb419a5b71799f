using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>
/// Fast decoding of stored values (compact JSON written by <see cref="ResourceCodec.ToJson"/>, validated on write).
/// <see cref="ResourceCodec.FromJson"/> runs the full manifest reader (JSON node tree, field paths, v1 detection),
/// 35-90 µs per WorkloadEndpoint; this deserializes straight into the records with System.Text.Json and one cached
/// <see cref="JsonSerializerOptions"/> mirroring the codec's rules (JSON names, enum names, Cidr/Port/Protocol forms,
/// timestamps). It is as strict about shape (unknown members, wrong types, missing required members) but stops at
/// the first problem: any value it cannot read is decoded again by <see cref="ResourceCodec.FromJson"/>, so results
/// and error messages are exactly the strict decoder's. A test holds the two decoders equal on every example and on
/// random resources.
/// </summary>
public static class ResourceStorageCodec
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>Decodes a stored value; throws <see cref="ResourceFormatException"/> if it is not one valid resource.</summary>
    public static Resource FromJson(string json) => TryFastDecode(json) ?? ResourceCodec.FromJson(json);

    /// <summary>The resource, or null if the fast path cannot read <paramref name="json"/> (then use the strict decoder).</summary>
    internal static Resource? TryFastDecode(string json)
    {
        try
        {
            var utf8 = Encoding.UTF8.GetBytes(json);
            if (!TryReadEnvelope(utf8, out var apiVersion, out var kindName)) return null;
            if (!ResourceKinds.TryFindManifestKind(apiVersion, kindName, out var kind)) return null;
            return JsonSerializer.Deserialize(utf8, kind.ClrType, Options) as Resource;
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException or InvalidOperationException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>The top-level apiVersion and kind, skipping over everything else without building it.</summary>
    private static bool TryReadEnvelope(byte[] utf8, out string apiVersion, out string kind)
    {
        apiVersion = kind = "";
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        string? foundVersion = null, foundKind = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isVersion = reader.ValueTextEquals("apiVersion"u8);
            var isKind = !isVersion && reader.ValueTextEquals("kind"u8);
            reader.Read();
            if ((isVersion || isKind) && reader.TokenType != JsonTokenType.String) return false;
            if (isVersion) foundVersion = reader.GetString();
            else if (isKind) foundKind = reader.GetString();
            else reader.Skip();
            if (foundVersion is not null && foundKind is not null) break;
        }
        if (foundVersion is null || foundKind is null) return false;
        (apiVersion, kind) = (foundVersion, foundKind);
        return true;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = new FirstLetterLowerCase(),
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            PropertyNameCaseInsensitive = false,
            RespectNullableAnnotations = true,
            Converters =
            {
                new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false),
                new TimestampConverter(),
                new TextConverter<Cidr>(Cidr.Parse, c => c.ToString()),
                new NumberOrTextConverter<Port>(Port.Number, Port.Parse),
                new NumberOrTextConverter<Protocol>(Protocol.FromNumber, Protocol.Parse),
                new CollectionConverterFactory(),
            },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The codec's JSON names: the property name with its first letter lower-cased (<c>IPv4Address</c> → <c>iPv4Address</c>).</summary>
    private sealed class FirstLetterLowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
    }

    private sealed class TimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
            && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? time
                : throw new JsonException("expected an RFC 3339 timestamp");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            throw new NotSupportedException("the storage codec only reads");
    }

    private sealed class TextConverter<T>(Func<string, T> parse, Func<T, string> format) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? parse(reader.GetString()!) : throw new JsonException($"expected a string for {typeof(T).Name}");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(format(value));
    }

    /// <summary>Ports and protocols: a number or a non-empty string.</summary>
    private sealed class NumberOrTextConverter<T>(Func<long, T> fromNumber, Func<string, T> fromText) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt64(out var n) => fromNumber(n),
            JsonTokenType.String when reader.GetString() is { Length: > 0 } text => fromText(text),
            _ => throw new JsonException($"expected a number or string for {typeof(T).Name}"),
        };

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            throw new NotSupportedException("the storage codec only reads");
    }

    private sealed class CollectionConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() is var d && (d == typeof(EquatableArray<>) || d == typeof(EquatableMap<>));

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        {
            var element = typeToConvert.GetGenericArguments()[0];
            var converter = typeToConvert.GetGenericTypeDefinition() == typeof(EquatableArray<>)
                ? typeof(ArrayConverter<>).MakeGenericType(element)
                : typeof(MapConverter<>).MakeGenericType(element);
            return (JsonConverter)Activator.CreateInstance(converter)!;
        }
    }

    private sealed class ArrayConverter<T> : JsonConverter<EquatableArray<T>>
    {
        public override EquatableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected a list");
            var items = ImmutableArray.CreateBuilder<T>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.Null) throw new JsonException("null is not allowed in a list");
                items.Add(JsonSerializer.Deserialize<T>(ref reader, options) ?? throw new JsonException("null is not allowed in a list"));
            }
            return items.ToImmutable();
        }

        public override void Write(Utf8JsonWriter writer, EquatableArray<T> value, JsonSerializerOptions options) =>
            throw new NotSupportedException("the storage codec only reads");
    }

    private sealed class MapConverter<T> : JsonConverter<EquatableMap<T>>
    {
        public override EquatableMap<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected a map");
            var pairs = new List<KeyValuePair<string, T>>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) throw new JsonException("null is not allowed as a value");
                pairs.Add(KeyValuePair.Create(key, JsonSerializer.Deserialize<T>(ref reader, options) ?? throw new JsonException("null is not allowed as a value")));
            }
            return new EquatableMap<T>(pairs);
        }

        public override void Write(Utf8JsonWriter writer, EquatableMap<T> value, JsonSerializerOptions options) =>
            throw new NotSupportedException("the storage codec only reads");
    }
}
