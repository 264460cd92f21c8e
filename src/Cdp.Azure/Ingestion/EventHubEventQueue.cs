using System.Text.Json;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// <see cref="IEventQueue"/> on Event Hubs: returns only when the hub has acknowledged every event, so an ingest
/// answer of 200 means the events are durable. Each message is one event as <c>CdpJsonContext</c> writes it, which is
/// what <see cref="QueuedEventReader"/> reads back. A hub that is busy or over its quota (once the client's own
/// retries are spent) is reported as <see cref="QueueThrottledException"/>, which ingest answers with 429 and
/// <c>Retry-After</c>; any other failure stays a failure (503).
/// </summary>
internal sealed class EventHubEventQueue(EventHubProducerClient producer) : IEventQueue
{
    public async Task EnqueueAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        // One person's events go to one partition in acceptance order. People are independent, so their groups are
        // sent side by side; within a group the batches go one after another, or a later batch could overtake.
        var groups = events.GroupBy(PersonPartitionKey.For, StringComparer.Ordinal);
        try
        {
            await Task.WhenAll(groups.Select(g => SendInOrderAsync(g.Key, g, cancellationToken)));
        }
        catch (EventHubsException ex) when (ex.Reason is EventHubsException.FailureReason.ServiceBusy or EventHubsException.FailureReason.QuotaExceeded)
        {
            throw new QueueThrottledException($"Event Hubs refused the events: {ex.Reason}", ThrottledRetryAfterSeconds, ex);
        }
    }

    /// <summary>By then the hub's client has spent its own retries; a few seconds more is what a throttled hub needs.</summary>
    internal const int ThrottledRetryAfterSeconds = 5;

    private async Task SendInOrderAsync(string partitionKey, IEnumerable<SegmentEvent> events, CancellationToken cancellationToken)
    {
        var options = new CreateBatchOptions { PartitionKey = partitionKey };
        EventDataBatch? batch = null;
        try
        {
            foreach (var e in events)
            {
                var message = new EventData(JsonSerializer.SerializeToUtf8Bytes(e, CdpJsonContext.Default.SegmentEvent));
                batch ??= await producer.CreateBatchAsync(options, cancellationToken);
                if (batch.TryAdd(message))
                {
                    continue;
                }

                if (batch.Count == 0)
                {
                    throw TooLarge(batch, e);
                }

                await producer.SendAsync(batch, cancellationToken);
                batch.Dispose();
                batch = null;
                batch = await producer.CreateBatchAsync(options, cancellationToken);
                if (!batch.TryAdd(message))
                {
                    throw TooLarge(batch, e);
                }
            }

            if (batch is { Count: > 0 })
            {
                await producer.SendAsync(batch, cancellationToken);
            }
        }
        finally
        {
            batch?.Dispose();
        }
    }

    /// <summary>Intake caps an event at 32 KB and a batch holds about 1 MB, so an event that fits nowhere is a bug.</summary>
    private static InvalidOperationException TooLarge(EventDataBatch batch, SegmentEvent e) =>
        new($"event {e.MessageId} does not fit in an empty Event Hubs batch of {batch.MaximumSizeInBytes} bytes");
}
