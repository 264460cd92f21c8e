using System.Text.Json;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Cdp.Azure.Ingestion;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Moq;

namespace Cdp.Azure.Tests.Ingestion;

/// <summary>The Event Hubs queue over a mocked producer: partition keys, batch packing, order and failures.</summary>
public sealed class EventHubEventQueueTests
{
    private readonly List<SentBatch> _sent = [];
    private readonly Mock<EventHubProducerClient> _producer = new();
    private int _eventsPerBatch = 100;

    public EventHubEventQueueTests()
    {
        _producer
            .Setup(p => p.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()))
            .Returns((CreateBatchOptions options, CancellationToken _) =>
            {
                var store = new List<EventData>();
                var batch = EventHubsModelFactory.EventDataBatch(
                    1024 * 1024, store, options, _ => store.Count < _eventsPerBatch);
                lock (_sent)
                {
                    _sent.Add(new SentBatch(options.PartitionKey!, store, batch));
                }

                return ValueTask.FromResult(batch);
            });
        _producer
            .Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .Returns((EventDataBatch batch, CancellationToken _) =>
            {
                lock (_sent)
                {
                    _sent.Single(s => ReferenceEquals(s.Batch, batch)).Sent = true;
                }

                return Task.CompletedTask;
            });
    }

    [Fact]
    public async Task EnqueueAsync_SamePerson_SharesOnePartitionKeyAndKeepsOrder()
    {
        await Queue().EnqueueAsync([Event("m-1", userId: "u-1"), Event("m-2", userId: "u-1"), Event("m-3", userId: "u-1")], CancellationToken.None);

        var batch = Assert.Single(SentBatches());
        Assert.Equal("u-1", batch.PartitionKey);
        Assert.Equal(["m-1", "m-2", "m-3"], batch.MessageIds);
    }

    [Fact]
    public async Task EnqueueAsync_DifferentPeople_GetDifferentKeysEachInOrder()
    {
        await Queue().EnqueueAsync(
            [Event("m-1", userId: "u-1"), Event("m-2", anonymousId: "a-2"), Event("m-3", userId: "u-1"), Event("m-4", anonymousId: "a-2")],
            CancellationToken.None);

        var byKey = SentBatches().ToDictionary(b => b.PartitionKey, b => b.MessageIds);
        Assert.Equal(["m-1", "m-3"], byKey["u-1"]);
        Assert.Equal(["m-2", "m-4"], byKey["a-2"]);
    }

    [Theory]
    [InlineData("u-1", "a-1", null, "u-1")]
    [InlineData(null, "a-1", null, "a-1")]
    [InlineData("u-1", null, "a-0", "u-1")]
    public void PartitionKey_Identifiers_IsUserIdElseAnonymousId(string? userId, string? anonymousId, string? previousId, string expected) =>
        Assert.Equal(expected, PersonPartitionKey.For(new SegmentEvent { MessageId = "m", UserId = userId, AnonymousId = anonymousId, PreviousId = previousId }));

    [Fact]
    public async Task EnqueueAsync_MoreThanABatchHolds_SplitsIntoSeveralSendsInOrder()
    {
        _eventsPerBatch = 2;

        await Queue().EnqueueAsync([.. Enumerable.Range(1, 5).Select(i => Event($"m-{i}", userId: "u-1"))], CancellationToken.None);

        var batches = SentBatches();
        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => Assert.Equal("u-1", b.PartitionKey));
        Assert.Equal(["m-1", "m-2", "m-3", "m-4", "m-5"], batches.SelectMany(b => b.MessageIds));
        _producer.Verify(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Fact]
    public async Task EnqueueAsync_Message_IsTheEventAsCoreSerializesIt()
    {
        var e = Event("m-1", userId: "u-1") with { Traits = new() { ["plan"] = JsonSerializer.SerializeToElement("pro") } };

        await Queue().EnqueueAsync([e], CancellationToken.None);

        var body = Assert.Single(Assert.Single(SentBatches()).Events).EventBody.ToString();
        Assert.Equal(JsonSerializer.Serialize(e, CdpJsonContext.Default.SegmentEvent), body);
    }

    [Fact]
    public async Task EnqueueAsync_SendFails_SurfacesTheException()
    {
        var failure = new EventHubsException(isTransient: true, EventHub.Name, "link lost", EventHubsException.FailureReason.ServiceCommunicationProblem);
        _producer
            .Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(failure);

        var thrown = await Assert.ThrowsAsync<EventHubsException>(
            () => Queue().EnqueueAsync([Event("m-1", userId: "u-1"), Event("m-2", userId: "u-2")], CancellationToken.None));

        Assert.Same(failure, thrown);
    }

    [Theory]
    [InlineData(EventHubsException.FailureReason.ServiceBusy)]
    [InlineData(EventHubsException.FailureReason.QuotaExceeded)]
    public async Task EnqueueAsync_HubThrottling_ReportedAsThrottledWithTheHubsException(EventHubsException.FailureReason reason)
    {
        var failure = new EventHubsException(isTransient: true, EventHub.Name, "throttled", reason);
        _producer
            .Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(failure);

        var thrown = await Assert.ThrowsAsync<QueueThrottledException>(
            () => Queue().EnqueueAsync([Event("m-1", userId: "u-1")], CancellationToken.None));

        Assert.Same(failure, thrown.InnerException);
        Assert.True(thrown.RetryAfterSeconds > 0);
    }

    [Fact]
    public async Task EnqueueAsync_Nothing_SendsNothing()
    {
        await Queue().EnqueueAsync([], CancellationToken.None);

        _producer.Verify(p => p.CreateBatchAsync(It.IsAny<CreateBatchOptions>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    private static SegmentEvent Event(string messageId, string? userId = null, string? anonymousId = null) =>
        new() { Type = EventTypes.Track, Event = "Viewed", MessageId = messageId, UserId = userId, AnonymousId = anonymousId, SourceId = "web" };

    private EventHubEventQueue Queue() => new(_producer.Object);

    private List<SentBatch> SentBatches()
    {
        lock (_sent)
        {
            return [.. _sent.Where(s => s.Sent)];
        }
    }

    private sealed record SentBatch(string PartitionKey, List<EventData> Events, EventDataBatch Batch)
    {
        public bool Sent { get; set; }

        public IReadOnlyList<string?> MessageIds =>
            [.. Events.Select(e => JsonSerializer.Deserialize(e.EventBody.ToString(), CdpJsonContext.Default.SegmentEvent)!.MessageId)];
    }
}
