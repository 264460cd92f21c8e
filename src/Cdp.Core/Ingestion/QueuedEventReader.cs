using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Events;

namespace Cdp.Core.Ingestion;

/// <summary>
/// Reads messages from the event queue (Event Hubs). Events that came through intake are already normalized.
/// Producers at volume may publish Segment calls straight to the hub: those are validated and normalized here,
/// and a missing messageId is derived from the message bytes, so a redelivered message is still recognised.
/// A message that can never be processed is rejected with its reason (and dead-lettered), never retried forever.
/// </summary>
public sealed class QueuedEventReader(EventNormalizer normalizer, TimeProvider time)
{
    /// <summary>The source recorded for events published straight to the hub.</summary>
    public const string DirectSourceId = "event-hub";

    private static readonly ParsedRequest NoRequestFields = new(null, null, null, null, []);

    public (List<SegmentEvent> Events, List<RejectedEvent> Rejected) Read(IReadOnlyList<string?> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var events = new List<SegmentEvent>(messages.Count);
        var rejected = new List<RejectedEvent>();
        var receivedAt = time.GetUtcNow();
        for (var i = 0; i < messages.Count; i++)
        {
            var (e, error) = ReadOne(messages[i], receivedAt);
            if (e is null)
            {
                rejected.Add(new RejectedEvent(i, error!));
            }
            else
            {
                events.Add(e);
            }
        }

        return (events, rejected);
    }

    /// <summary>One message: the event, or why it can never be one.</summary>
    public (SegmentEvent? Event, string? Error) ReadOne(string? message, DateTimeOffset receivedAt)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return (null, "empty message");
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var item = bytes.Length > IngestionLimits.MaxEventBytes
            ? new ParsedItem(0, null, $"event is {bytes.Length} bytes; the limit is {IngestionLimits.MaxEventBytes} bytes (32 KB)", bytes.Length)
            : RequestParser.ParseItem(0, bytes);
        if (item.Event is not { } parsed)
        {
            return (null, item.Error ?? "not a JSON event object");
        }

        if (parsed.SourceId is not null && !string.IsNullOrEmpty(parsed.MessageId) && parsed.ReceivedAt is not null)
        {
            return (parsed, null);
        }

        var withId = string.IsNullOrWhiteSpace(parsed.MessageId)
            ? parsed with { MessageId = "eh-" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) }
            : parsed;
        return normalizer.Normalize(withId, IngestRoute.Batch, NoRequestFields, DirectSourceId, receivedAt);
    }
}
