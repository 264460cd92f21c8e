using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cdp.Core.Events;

/// <summary>One Segment-spec call (identify, track, page, screen, group, alias) as it travels through the platform.</summary>
/// <remarks>
/// Free-form objects stay as <see cref="JsonElement"/> maps: the platform reads a few well-known keys
/// and must pass everything else through untouched.
/// </remarks>
public sealed record SegmentEvent
{
    public string? Type { get; init; }
    public string? MessageId { get; init; }

    [JsonConverter(typeof(LenientIdConverter))]
    public string? UserId { get; init; }

    [JsonConverter(typeof(LenientIdConverter))]
    public string? AnonymousId { get; init; }

    [JsonConverter(typeof(LenientIdConverter))]
    public string? PreviousId { get; init; }

    [JsonConverter(typeof(LenientIdConverter))]
    public string? GroupId { get; init; }

    public string? Event { get; init; }
    public string? Name { get; init; }
    public string? Category { get; init; }
    public Dictionary<string, JsonElement>? Traits { get; init; }
    public Dictionary<string, JsonElement>? Properties { get; init; }
    public Dictionary<string, JsonElement>? Context { get; init; }
    public Dictionary<string, JsonElement>? Integrations { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public DateTimeOffset? OriginalTimestamp { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    public string? WriteKey { get; init; }

    /// <summary>The source the write key resolved to; set at intake, not by clients.</summary>
    public string? SourceId { get; init; }
}

/// <summary>Segment call types; the lower-case names are the wire values.</summary>
public static class EventTypes
{
    public const string Identify = "identify";
    public const string Track = "track";
    public const string Page = "page";
    public const string Screen = "screen";
    public const string Group = "group";
    public const string Alias = "alias";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Identify, Track, Page, Screen, Group, Alias,
    };
}

/// <summary>Identifiers arrive as strings or numbers from real SDKs; anything else is an error naming the field.</summary>
internal sealed class LenientIdConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.Null => null,
            _ => throw new JsonException("must be a string or a number"),
        };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
