using System.Text.Json;
using Cdp.Core.Events;

namespace Cdp.Core.Ingestion;

/// <summary>What a request body held: request-wide fields plus each event, parsed or refused on its own.</summary>
public sealed record ParsedRequest(
    string? WriteKey,
    DateTimeOffset? SentAt,
    Dictionary<string, JsonElement>? Context,
    Dictionary<string, JsonElement>? Integrations,
    IReadOnlyList<ParsedItem> Items);

/// <summary>One event slot: either the parsed event or the reason it could not be read.</summary>
public readonly record struct ParsedItem(int Index, SegmentEvent? Event, string? Error, int Bytes);

/// <summary>
/// Reads a Segment request body straight from UTF-8 bytes. The batch array is walked with a
/// <see cref="Utf8JsonReader"/> so that each item is sized and deserialized on its own: one bad
/// event never costs its neighbours.
/// </summary>
public static class RequestParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>Parses a body; throws <see cref="InvalidRequestException"/> for faults of the request as a whole.</summary>
    public static ParsedRequest Parse(IngestRoute route, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new InvalidRequestException("request body is empty");
        }

        if (route != IngestRoute.Batch)
        {
            if (body.Length > IngestionLimits.MaxEventBytes)
            {
                throw new InvalidRequestException($"event is {body.Length} bytes; the limit is {IngestionLimits.MaxEventBytes} bytes (32 KB)");
            }

            ValidateWellFormed(body);
            var item = ParseItem(0, body);
            return new ParsedRequest(item.Event?.WriteKey ?? TopLevelString(body, "writeKey"u8), item.Event?.SentAt, null, null, [item]);
        }

        if (body.Length > IngestionLimits.MaxBatchBytes)
        {
            throw new InvalidRequestException($"batch is {body.Length} bytes; the limit is {IngestionLimits.MaxBatchBytes} bytes (500 KB)");
        }

        return ParseBatch(body);
    }

    private static string? TopLevelString(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(name);
                reader.Read();
                if (match && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }

        return null;
    }

    private static void ValidateWellFormed(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidRequestException("request body must be a JSON object");
            }

            reader.Skip();
            if (reader.Read())
            {
                throw new InvalidRequestException("request body has data after the JSON object");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestException($"malformed JSON: {Describe(ex)}");
        }
        catch (InvalidOperationException)
        {
            throw new InvalidRequestException("malformed JSON: invalid UTF-8");
        }
    }

    private static ParsedRequest ParseBatch(ReadOnlySpan<byte> body)
    {
        string? writeKey = null;
        DateTimeOffset? sentAt = null;
        Dictionary<string, JsonElement>? context = null;
        Dictionary<string, JsonElement>? integrations = null;
        List<ParsedItem>? items = null;

        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidRequestException("request body must be a JSON object with a \"batch\" array");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                switch (property)
                {
                    case "batch":
                        items = ReadItems(ref reader, body);
                        break;
                    case "writeKey":
                        writeKey = reader.TokenType == JsonTokenType.String
                            ? reader.GetString()
                            : throw new InvalidRequestException("writeKey must be a string");
                        break;
                    case "sentAt":
                        sentAt = reader.TokenType switch
                        {
                            JsonTokenType.Null => null,
                            JsonTokenType.String when reader.TryGetDateTimeOffset(out var value) => value,
                            _ => throw new InvalidRequestException("sentAt must be an ISO-8601 date-time string"),
                        };
                        break;
                    case "context":
                        context = ReadObject(ref reader, "context");
                        break;
                    case "integrations":
                        integrations = ReadObject(ref reader, "integrations");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new InvalidRequestException("request body has data after the JSON object");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidRequestException($"malformed JSON: {Describe(ex)}");
        }
        catch (InvalidOperationException)
        {
            throw new InvalidRequestException("malformed JSON: invalid UTF-8");
        }

        if (items is null)
        {
            throw new InvalidRequestException("batch request needs a \"batch\" array of events");
        }

        return new ParsedRequest(writeKey, sentAt, context, integrations, items);
    }

    private static List<ParsedItem> ReadItems(ref Utf8JsonReader reader, ReadOnlySpan<byte> body)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidRequestException("\"batch\" must be an array of events");
        }

        var items = new List<ParsedItem>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (items.Count == IngestionLimits.MaxBatchEvents)
            {
                throw new InvalidRequestException($"batch holds more than {IngestionLimits.MaxBatchEvents} events");
            }

            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var end = (int)reader.BytesConsumed;
            items.Add(ParseItem(items.Count, body[start..end]));
        }

        return items;
    }

    internal static ParsedItem ParseItem(int index, ReadOnlySpan<byte> json)
    {
        if (json.Length > IngestionLimits.MaxEventBytes)
        {
            return new ParsedItem(index, null, $"event is {json.Length} bytes; the limit is {IngestionLimits.MaxEventBytes} bytes (32 KB)", json.Length);
        }

        if (json[0] != (byte)'{')
        {
            return new ParsedItem(index, null, "event must be a JSON object", json.Length);
        }

        try
        {
            var parsed = JsonSerializer.Deserialize(json, CdpJsonContext.Default.SegmentEvent);
            if (parsed is not null && MayHoldUnpairedSurrogate(json) && !CanWrite(parsed))
            {
                return new ParsedItem(index, null, UnpairedSurrogate, json.Length);
            }

            return new ParsedItem(index, parsed, null, json.Length);
        }
        catch (JsonException ex)
        {
            return new ParsedItem(index, null, Describe(ex), json.Length);
        }
    }

    internal const string UnpairedSurrogate = "contains a string that is not valid Unicode (an unpaired \\uD800-\\uDFFF escape)";

    /// <summary>
    /// The reader accepts an escaped lone surrogate ("\ud800") that no writer can write back, so the event could never be
    /// queued. A cheap byte scan finds the escapes; only then is the event test-written.
    /// </summary>
    private static bool MayHoldUnpairedSurrogate(ReadOnlySpan<byte> json)
    {
        for (var at = json.IndexOf("\\u"u8); at >= 0 && at + 3 < json.Length; )
        {
            var hi = json[at + 2] | 0x20;
            var next = json[at + 3] | 0x20;
            if (hi == 'd' && next is >= (byte)'8' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f')
            {
                return true;
            }

            var rest = json[(at + 2)..].IndexOf("\\u"u8);
            at = rest < 0 ? -1 : at + 2 + rest;
        }

        return false;
    }

    private static bool CanWrite(SegmentEvent parsed)
    {
        try
        {
            using var sink = new Utf8JsonWriter(Stream.Null);
            JsonSerializer.Serialize(sink, parsed, CdpJsonContext.Default.SegmentEvent);
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException)
        {
            return false;
        }
    }

    private static Dictionary<string, JsonElement>? ReadObject(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidRequestException($"{name} must be a JSON object");
        }

        return JsonSerializer.Deserialize(ref reader, CdpJsonContext.Default.DictionaryStringJsonElement);
    }

    /// <summary>Turns a serializer error into "field: problem" without echoing the payload.</summary>
    internal static string Describe(JsonException ex)
    {
        var path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? null : ex.Path.TrimStart('$', '.');
        var problem = ex.InnerException is JsonException inner ? inner.Message : ex.Message;
        if (ex.InnerException is FormatException || problem.StartsWith("The JSON value could not be converted to System.DateTimeOffset", StringComparison.Ordinal))
        {
            problem = "must be an ISO-8601 date-time string";
        }
        else if (problem.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
        {
            problem = "has the wrong type" + (problem.Contains("Dictionary", StringComparison.Ordinal) ? " (expected an object)" : problem.Contains("System.String", StringComparison.Ordinal) ? " (expected a string)" : string.Empty);
        }
        else
        {
            // Reader messages end with position details; keep the first sentence.
            var cut = problem.IndexOf(" Path:", StringComparison.Ordinal);
            problem = cut > 0 ? problem[..cut] : problem;
        }

        return path is null ? problem : $"{path}: {problem}";
    }
}

/// <summary>A request that cannot be read at all (malformed JSON, too large, wrong shape).</summary>
public sealed class InvalidRequestException(string message) : Exception(message);
