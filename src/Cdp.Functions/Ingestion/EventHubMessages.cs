using Cdp.Core.Ingestion;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Ingestion;

/// <summary>
/// Turns hub messages into events through Core. A message that is not an event can never succeed, so it is
/// logged and skipped rather than failing (and endlessly redelivering) the batch it arrived in.
/// </summary>
internal static class EventHubMessages
{
    public static List<SegmentEvent> Parse(QueuedEventReader reader, string[] messages, ILogger logger)
    {
        var (events, rejected) = reader.Read(messages);
        foreach (var r in rejected)
        {
            // A plain template: the Functions layer is type-checked without source generators. Never the payload.
            logger.LogWarning("Skipped Event Hub message {Index} of {Count}: {Reason}", r.Index, messages.Length, r.Reason);
        }

        return events;
    }
}
