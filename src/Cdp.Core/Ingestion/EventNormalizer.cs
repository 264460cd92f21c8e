using System.Text.Json;
using Cdp.Core.Events;

namespace Cdp.Core.Ingestion;

/// <summary>
/// Applies the Segment spec's rules to one parsed event: required fields per call type, batch-level
/// context and integrations merged in, a generated messageId, and clock-skew correction.
/// </summary>
public sealed class EventNormalizer(TimeProvider time)
{
    public const int MaxMessageIdLength = 255;
    public const int MaxIdLength = 1024;

    /// <summary>Returns the event ready to queue, or the reason it is refused.</summary>
    public (SegmentEvent? Event, string? Error) Normalize(
        SegmentEvent parsed, IngestRoute route, ParsedRequest request, string sourceId, DateTimeOffset receivedAt)
    {
        var type = route.EventType() ?? parsed.Type?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(type))
        {
            return (null, "type is required in a batch item (identify, track, page, screen, group or alias)");
        }

        if (!EventTypes.All.Contains(type))
        {
            return (null, $"type \"{Truncate(type)}\" is not one of identify, track, page, screen, group, alias");
        }

        var userId = Clean(parsed.UserId);
        var anonymousId = Clean(parsed.AnonymousId);
        if (userId is null && anonymousId is null)
        {
            return (null, "userId or anonymousId is required");
        }

        if (userId?.Length > MaxIdLength || anonymousId?.Length > MaxIdLength)
        {
            return (null, $"userId and anonymousId are limited to {MaxIdLength} characters");
        }

        var error = type switch
        {
            EventTypes.Track when string.IsNullOrWhiteSpace(parsed.Event) => "event is required for track",
            EventTypes.Group when Clean(parsed.GroupId) is null => "groupId is required for group",
            EventTypes.Alias when Clean(parsed.PreviousId) is null => "previousId is required for alias",
            EventTypes.Alias when userId is null => "userId is required for alias",
            _ => null,
        };
        if (error is not null)
        {
            return (null, error);
        }

        if (parsed.MessageId is { Length: > MaxMessageIdLength })
        {
            return (null, $"messageId is limited to {MaxMessageIdLength} characters");
        }

        var messageId = string.IsNullOrWhiteSpace(parsed.MessageId)
            ? "cdp-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N")
            : parsed.MessageId;

        var sentAt = parsed.SentAt ?? request.SentAt;
        var (timestamp, original) = CorrectSkew(parsed.Timestamp, sentAt, receivedAt);

        return (parsed with
        {
            Type = type,
            MessageId = messageId,
            UserId = userId,
            AnonymousId = anonymousId,
            Timestamp = timestamp,
            OriginalTimestamp = parsed.OriginalTimestamp ?? original,
            SentAt = sentAt,
            ReceivedAt = receivedAt,
            Context = Merge(request.Context, parsed.Context),
            Integrations = Merge(request.Integrations, parsed.Integrations),
            WriteKey = null,
            SourceId = sourceId,
        }, null);
    }

    /// <summary>
    /// Segment's rule: a device clock that is off shifts both timestamp and sentAt equally, so
    /// timestamp = receivedAt - (sentAt - timestamp). Without sentAt the timestamp is trusted.
    /// </summary>
    internal static (DateTimeOffset Timestamp, DateTimeOffset? Original) CorrectSkew(
        DateTimeOffset? timestamp, DateTimeOffset? sentAt, DateTimeOffset receivedAt)
    {
        if (timestamp is null)
        {
            return (receivedAt, null);
        }

        if (sentAt is null)
        {
            return (timestamp.Value, timestamp);
        }

        try
        {
            return (receivedAt - (sentAt.Value - timestamp.Value), timestamp);
        }
        catch (ArgumentOutOfRangeException)
        {
            return (receivedAt, timestamp);
        }
    }

    private static Dictionary<string, JsonElement>? Merge(
        Dictionary<string, JsonElement>? batchLevel, Dictionary<string, JsonElement>? itemLevel)
    {
        if (batchLevel is null || batchLevel.Count == 0)
        {
            return itemLevel;
        }

        // Item-level keys win: the batch value is only a default.
        var merged = new Dictionary<string, JsonElement>(batchLevel, StringComparer.Ordinal);
        if (itemLevel is not null)
        {
            foreach (var (key, value) in itemLevel)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private static string? Clean(string? id)
    {
        if (id is null)
        {
            return null;
        }

        var trimmed = id.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
