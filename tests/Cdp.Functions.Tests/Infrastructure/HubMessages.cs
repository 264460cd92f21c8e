using System.Globalization;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Moq;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>Event Hub messages as ingest sends them (one serialized event each), and the trigger's other inputs.</summary>
internal static class HubMessages
{
    public static string Identify(string userId, string messageId, DateTimeOffset timestamp, string trait, string value) =>
        Queued(new SegmentEvent
        {
            Type = EventTypes.Identify,
            UserId = userId,
            MessageId = messageId,
            Timestamp = timestamp,
            Traits = new(StringComparer.Ordinal) { [trait] = JsonSerializer.SerializeToElement(value) },
        });

    public static string Track(string userId, string messageId, string eventName, DateTimeOffset timestamp) =>
        Queued(new SegmentEvent { Type = EventTypes.Track, UserId = userId, MessageId = messageId, Event = eventName, Timestamp = timestamp });

    /// <summary>The trigger's binding data as the Event Hubs extension fills it: partition context and per-message arrays.</summary>
    public static FunctionContext Context(string partitionId, long firstSequenceNumber, int count, DateTimeOffset enqueuedAt)
    {
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["PartitionContext"] = $$"""{"ConsumerGroup":"$Default","EventHubName":"events","PartitionId":"{{partitionId}}"}""",
            ["SequenceNumberArray"] = JsonSerializer.Serialize(Enumerable.Range(0, count).Select(i => firstSequenceNumber + i)),
            ["EnqueuedTimeUtcArray"] = JsonSerializer.Serialize(Enumerable.Repeat(enqueuedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), count)),
        };
        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(data);
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        return context.Object;
    }

    /// <summary>A Durable client for the merge scheduler; these tests start no merges.</summary>
    public static DurableTaskClient Durable() => new Mock<DurableTaskClient>(MockBehavior.Loose, "test").Object;

    private static string Queued(SegmentEvent e) =>
        JsonSerializer.Serialize(e with { SourceId = FunctionsHarness.SourceId, ReceivedAt = e.Timestamp }, CdpJsonContext.Default.SegmentEvent);
}
