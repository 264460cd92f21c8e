using System.Net;
using Cdp.Azure.Profiles;
using Cdp.Core.Profiles;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Profiles;

public sealed class CosmosTimelineStoreTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<Container> _container = new(MockBehavior.Strict);
    private readonly List<(PartitionKey Partition, List<TimelineEvent> Creates, List<CosmosTimelineStore.RawBlobReference> Upserts)> _batches = [];
    private readonly Queue<HttpStatusCode> _batchResults = new();

    public CosmosTimelineStoreTests()
    {
        _container.Setup(c => c.CreateTransactionalBatch(It.IsAny<PartitionKey>())).Returns((PartitionKey pk) => RecordingBatch(pk));
    }

    [Fact]
    public async Task AppendAsync_250Events_WritesThreeBatchesOfAtMost100InTheProfilePartition()
    {
        await Store().AppendAsync("p-1", Events("p-1", 250), null, CancellationToken.None);

        Assert.Equal([100, 100, 50], _batches.Select(b => b.Creates.Count));
        Assert.All(_batches, b => Assert.Equal(new PartitionKey("p-1"), b.Partition));
        Assert.Equal(250, _batches.SelectMany(b => b.Creates).Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task AppendAsync_SameMessageTwiceInOneCall_WritesTheFirstCopyOnce()
    {
        var e = Events("p-1", 1)[0];

        await Store().AppendAsync("p-1", [e, e with { Name = "Later copy" }], null, CancellationToken.None);

        var written = Assert.Single(_batches.Single().Creates);
        Assert.Equal("Order Completed", written.Name);
    }

    [Fact]
    public async Task AppendAsync_SomeAlreadyStored_LooksThemUpOnceAndCreatesOnlyTheRest()
    {
        var events = Events("p-1", 4);
        _batchResults.Enqueue(HttpStatusCode.Conflict);
        QueryDefinition? lookup = null;
        QueryRequestOptions? lookupOptions = null;
        _container.Setup(c => c.GetItemQueryIterator<string>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, o) => (lookup, lookupOptions) = (q, o))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<string>([events[0].Id, events[2].Id], null)));

        await Store().AppendAsync("p-1", events, null, CancellationToken.None);

        Assert.Equal([4, 2], _batches.Select(b => b.Creates.Count));
        Assert.Equal([events[1].Id, events[3].Id], _batches[1].Creates.Select(e => e.Id));
        Assert.Equal(new PartitionKey("p-1"), lookupOptions!.PartitionKey);
        Assert.Equal(events.Select(e => e.Id), (IEnumerable<string>)lookup!.GetQueryParameters().Single().Value);
    }

    [Fact]
    public async Task AppendAsync_ConflictEveryRound_GivesUpWithTheConflict()
    {
        _batchResults.Enqueue(HttpStatusCode.Conflict);
        _batchResults.Enqueue(HttpStatusCode.Conflict);
        _batchResults.Enqueue(HttpStatusCode.Conflict);
        _container.Setup(c => c.GetItemQueryIterator<string>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Returns(() => CosmosMocks.Iterator(CosmosMocks.Page<string>([], null)));

        var thrown = await Assert.ThrowsAsync<CosmosException>(() => Store().AppendAsync("p-1", Events("p-1", 2), null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Conflict, thrown.StatusCode);
        Assert.Equal(3, _batches.Count);
    }

    [Fact]
    public async Task AppendAsync_BatchTooLarge_WritesItInHalves()
    {
        _batchResults.Enqueue(HttpStatusCode.RequestEntityTooLarge);

        await Store().AppendAsync("p-1", Events("p-1", 10), null, CancellationToken.None);

        Assert.Equal([10, 5, 5], _batches.Select(b => b.Creates.Count));
        Assert.Equal(10, _batches.Skip(1).SelectMany(b => b.Creates).Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task AppendAsync_BatchFails_ThrowsWithTheStatus()
    {
        _batchResults.Enqueue(HttpStatusCode.TooManyRequests);

        var thrown = await Assert.ThrowsAsync<CosmosException>(() => Store().AppendAsync("p-1", Events("p-1", 3), null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.TooManyRequests, thrown.StatusCode);
    }

    [Fact]
    public async Task AppendAsync_EventOfAnotherProfile_IsRejectedBeforeAnyWrite()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store().AppendAsync("p-1", Events("p-2", 1), null, CancellationToken.None));

        Assert.Empty(_batches);
    }

    [Fact]
    public async Task AppendAsync_LocalTimestamp_IsStoredAsUtcSoOrderingByTextIsByTime()
    {
        var local = Events("p-1", 1)[0] with { Timestamp = new DateTimeOffset(2025, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)) };

        await Store().AppendAsync("p-1", [local], null, CancellationToken.None);

        var stored = _batches.Single().Creates.Single();
        Assert.Equal(TimeSpan.Zero, stored.Timestamp.Offset);
        Assert.Equal(local.Timestamp, stored.Timestamp);
    }

    [Fact]
    public async Task AppendAsync_WithRawBlob_UpsertsOneReferenceInTheEventsBatchThatOutlivesTheRetention()
    {
        await Store().AppendAsync("p-1", Events("p-1", 3), "2025/03/01/12/b1.ndjson", CancellationToken.None);

        var batch = Assert.Single(_batches);
        Assert.Equal(3, batch.Creates.Count);
        var reference = Assert.Single(batch.Upserts);
        Assert.Equal("rawblob:2025|03|01|12|b1.ndjson", reference.Id);
        Assert.Equal("p-1", reference.ProfileId);
        Assert.Equal("2025/03/01/12/b1.ndjson", reference.RawBlob);
        Assert.Equal(-1, reference.Ttl);
        var json = System.Text.Json.JsonSerializer.SerializeToNode(reference, Cdp.Azure.Cosmos.CosmosClientFactory.SerializerOptions)!;
        Assert.Equal("rawBlob", json["kind"]!.GetValue<string>());
        Assert.Equal(-1, json["ttl"]!.GetValue<int>());
        Assert.Equal("p-1", json["profileId"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppendAsync_250EventsAndARawBlob_StillThreeBatchesTheFirstCarryingTheReference()
    {
        await Store().AppendAsync("p-1", Events("p-1", 250), "2025/03/01/12/b1.ndjson", CancellationToken.None);

        Assert.Equal([99, 100, 51], _batches.Select(b => b.Creates.Count));
        Assert.Equal([1, 0, 0], _batches.Select(b => b.Upserts.Count));
        Assert.All(_batches, b => Assert.True(b.Creates.Count + b.Upserts.Count <= CosmosTimelineStore.MaxBatchOperations));
        Assert.Equal(250, _batches.SelectMany(b => b.Creates).Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task AppendAsync_RawBlobWithoutEvents_WritesTheReferenceAlone()
    {
        await Store().AppendAsync("p-1", [], "2025/03/01/12/b1.ndjson", CancellationToken.None);

        var batch = Assert.Single(_batches);
        Assert.Empty(batch.Creates);
        Assert.Single(batch.Upserts);
    }

    [Fact]
    public async Task AppendAsync_NoEventsNoRawBlob_SendsNothing()
    {
        await Store().AppendAsync("p-1", [], null, CancellationToken.None);

        Assert.Empty(_batches);
    }

    [Fact]
    public async Task AppendAsync_EveryEventStoredAlready_StillWritesTheReference()
    {
        var events = Events("p-1", 2);
        _batchResults.Enqueue(HttpStatusCode.Conflict);
        _container.Setup(c => c.GetItemQueryIterator<string>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<string>([.. events.Select(e => e.Id)], null)));

        await Store().AppendAsync("p-1", events, "2025/03/01/13/b2.ndjson", CancellationToken.None);

        Assert.Equal([2, 0], _batches.Select(b => b.Creates.Count));
        Assert.Equal([1, 1], _batches.Select(b => b.Upserts.Count));
    }

    [Fact]
    public async Task AppendAsync_RawBlobNotAllowedInACosmosId_IsRejectedBeforeAnyWrite()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store().AppendAsync("p-1", Events("p-1", 1), "2025/03/01/12/a?b.ndjson", CancellationToken.None));

        Assert.Empty(_batches);
    }

    [Fact]
    public async Task ListRawBlobsAsync_QueriesTheReferencesInTheProfilePartitionOnly_DistinctInOrdinalOrder()
    {
        QueryDefinition? query = null;
        QueryRequestOptions? options = null;
        _container.Setup(c => c.GetItemQueryIterator<string>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, o) => (query, options) = (q, o))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<string>(["2025/03/01/13/b.ndjson", "2025/03/01/12/a.ndjson", "2025/03/01/13/b.ndjson"], null)));

        var listed = await Store().ListRawBlobsAsync("p-1", CancellationToken.None);

        Assert.Equal(["2025/03/01/12/a.ndjson", "2025/03/01/13/b.ndjson"], listed);
        Assert.Equal(new PartitionKey("p-1"), options!.PartitionKey);
        Assert.Contains("c.kind = @kind", query!.QueryText, StringComparison.Ordinal);
        Assert.Equal("rawBlob", query.GetQueryParameters().Single(p => p.Name == "@kind").Value);
    }

    [Fact]
    public async Task GetPageAsync_FirstPage_QueriesNewestFirstInTheProfilePartitionOnly()
    {
        var events = Events("p-1", 2);
        QueryDefinition? query = null;
        QueryRequestOptions? options = null;
        _container.Setup(c => c.GetItemQueryIterator<TimelineEvent>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, o) => (query, options) = (q, o))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page(events, "next")));

        var page = await Store().GetPageAsync("p-1", 2, null, CancellationToken.None);

        Assert.Equal(events, page.Events);
        Assert.Equal("next", page.ContinuationToken);
        Assert.EndsWith("ORDER BY c.timestamp DESC, c.id DESC", query!.QueryText, StringComparison.Ordinal);
        Assert.Contains("WHERE NOT IS_DEFINED(c.kind)", query.QueryText, StringComparison.Ordinal);
        Assert.Equal(new PartitionKey("p-1"), options!.PartitionKey);
        Assert.Equal(2, options.MaxItemCount);
    }

    [Fact]
    public async Task GetPageAsync_ShortResultPage_ReadsOnWithTheTokenUntilThePageIsFull()
    {
        var events = Events("p-1", 3);
        _container.Setup(c => c.GetItemQueryIterator<TimelineEvent>(It.IsAny<QueryDefinition>(), "t0", It.Is<QueryRequestOptions>(o => o.MaxItemCount == 3)))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page(events[..1], "t1")));
        _container.Setup(c => c.GetItemQueryIterator<TimelineEvent>(It.IsAny<QueryDefinition>(), "t1", It.Is<QueryRequestOptions>(o => o.MaxItemCount == 2)))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page(events[1..], null)));

        var page = await Store().GetPageAsync("p-1", 3, "t0", CancellationToken.None);

        Assert.Equal(events, page.Events);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task GetPageAsync_TokenCosmosCannotParse_ThrowsArgumentException()
    {
        _container.Setup(c => c.GetItemQueryIterator<TimelineEvent>(It.IsAny<QueryDefinition>(), "not a token", It.IsAny<QueryRequestOptions>()))
            .Returns(FailingIterator(HttpStatusCode.BadRequest));

        await Assert.ThrowsAsync<ArgumentException>(() => Store().GetPageAsync("p-1", 10, "not a token", CancellationToken.None));
    }

    [Fact]
    public async Task GetPageAsync_BadRequestWithoutToken_PropagatesAsAFault()
    {
        // e.g. the container lacks the composite index the query needs: an operator's problem, not the caller's.
        _container.Setup(c => c.GetItemQueryIterator<TimelineEvent>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Returns(FailingIterator(HttpStatusCode.BadRequest));

        var thrown = await Assert.ThrowsAsync<CosmosException>(() => Store().GetPageAsync("p-1", 10, null, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, thrown.StatusCode);
    }

    private CosmosTimelineStore Store() => new(_container.Object);

    private static FeedIterator<TimelineEvent> FailingIterator(HttpStatusCode status)
    {
        var iterator = new Mock<FeedIterator<TimelineEvent>>();
        iterator.Setup(i => i.HasMoreResults).Returns(true);
        iterator.Setup(i => i.ReadNextAsync(It.IsAny<CancellationToken>())).ThrowsAsync(CosmosMocks.Error(status));
        return iterator.Object;
    }

    private TransactionalBatch RecordingBatch(PartitionKey partition)
    {
        var creates = new List<TimelineEvent>();
        var upserts = new List<CosmosTimelineStore.RawBlobReference>();
        _batches.Add((partition, creates, upserts));
        var batch = new Mock<TransactionalBatch>(MockBehavior.Strict);
        batch.Setup(b => b.CreateItem(It.IsAny<TimelineEvent>(), It.IsAny<TransactionalBatchItemRequestOptions>()))
            .Callback<TimelineEvent, TransactionalBatchItemRequestOptions>((e, _) => creates.Add(e))
            .Returns(() => batch.Object);
        batch.Setup(b => b.UpsertItem(It.IsAny<CosmosTimelineStore.RawBlobReference>(), It.IsAny<TransactionalBatchItemRequestOptions>()))
            .Callback<CosmosTimelineStore.RawBlobReference, TransactionalBatchItemRequestOptions>((r, _) => upserts.Add(r))
            .Returns(() => batch.Object);
        batch.Setup(b => b.ExecuteAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => CosmosMocks.BatchResult(_batchResults.TryDequeue(out var status) ? status : HttpStatusCode.OK));
        return batch.Object;
    }

    private static List<TimelineEvent> Events(string profileId, int count) =>
        Enumerable.Range(0, count).Select(i => new TimelineEvent
        {
            Id = $"m-{profileId}-{i}",
            ProfileId = profileId,
            Type = "track",
            Name = "Order Completed",
            Timestamp = Start.AddMinutes(i),
            ReceivedAt = Start.AddMinutes(i),
        }).ToList();
}
