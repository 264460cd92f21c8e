using System.Security.Cryptography;
using System.Text;

namespace Cdp.Core.Ingestion;

/// <summary>
/// Reads messages from the event queue (Event Hubs). Events that came through intake are already normalized.
/// Producers at volume may publish Segment calls straight to the hub: those are validated and normalized here,
/// and a missing messageId is derived from the message bytes, so a redelivered message is still recognised.
/// A message that can never be processed is rejected (and logged by the host), never retried forever.
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
            var message = messages[i];
            if (string.IsNullOrWhiteSpace(message))
            {
                rejected.Add(new RejectedEvent(i, "empty message"));
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(message);
            var item = bytes.Length > IngestionLimits.MaxEventBytes
                ? new ParsedItem(i, null, $"event is {bytes.Length} bytes; the limit is {IngestionLimits.MaxEventBytes} bytes (32 KB)", bytes.Length)
                : RequestParser.ParseItem(i, bytes);
            if (item.Event is not { } parsed)
            {
                rejected.Add(new RejectedEvent(i, item.Error ?? "not a JSON event object"));
                continue;
            }

            if (parsed.SourceId is not null && !string.IsNullOrEmpty(parsed.MessageId) && parsed.ReceivedAt is not null)
            {
                events.Add(parsed);
                continue;
            }

            var withId = string.IsNullOrWhiteSpace(parsed.MessageId)
                ? parsed with { MessageId = "eh-" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) }
                : parsed;
            var (normalized, error) = normalizer.Normalize(withId, IngestRoute.Batch, NoRequestFields, DirectSourceId, receivedAt);
            if (normalized is null)
            {
                rejected.Add(new RejectedEvent(i, error!));
            }
            else
            {
                events.Add(normalized);
            }
        }

        return (events, rejected);
    }
}
