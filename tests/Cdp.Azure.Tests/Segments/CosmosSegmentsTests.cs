using System.Net;
using System.Text.Json;
using Cdp.Azure.Segments;
using Cdp.Core;
using Cdp.Core.Segments;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Segments;

/// <summary>The request shapes of the segment adapters: which partition, which condition, which query.</summary>
public sealed class CosmosSegmentsTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task SegmentStore_GetAsync_PointReadInTheKeysPartitionWithItsETag()
    {
        var stored = StoredSegment.From(Segment("pro"));
        _container.Setup(c => c.ReadItemAsync<StoredSegment>("pro", new PartitionKey("pro"), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Item(stored, "\"e1\""));

        var read = await new CosmosSegmentStore(_container.Object).GetAsync("pro", default);

        Assert.Equal("\"e1\"", read!.Value.ETag);
        Assert.Equal("pro", read.Value.Value.Key);
        Assert.Equal("pro", stored.Id);
    }

    [Fact]
    public async Task SegmentStore_GetAsyncMissing_Null()
    {
        _container.Setup(c => c.ReadItemAsync<StoredSegment>("gone", new PartitionKey("gone"), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.NotFound));

        Assert.Null(await new CosmosSegmentStore(_container.Object).GetAsync("gone", default));
    }

    [Fact]
    public async Task SegmentStore_ReplaceAsyncStale_IfMatchSentAndConflictRaised()
    {
        ItemRequestOptions? options = null;
        _container.Setup(c => c.ReplaceItemAsync(It.IsAny<StoredSegment>(), "pro", new PartitionKey("pro"), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<StoredSegment, string, PartitionKey?, ItemRequestOptions, CancellationToken>((_, _, _, o, _) => options = o)
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.PreconditionFailed));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => new CosmosSegmentStore(_container.Object).ReplaceAsync(Segment("pro"), "\"e1\"", default));

        Assert.Equal("\"e1\"", options!.IfMatchEtag);
    }

    [Fact]
    public async Task Members_UpsertAsync_ProfileIdAsDocumentIdInTheSegmentsPartition()
    {
        MemberDocument? written = null;
        PartitionKey? partition = null;
        _container.Setup(c => c.UpsertItemAsync(It.IsAny<MemberDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<MemberDocument, PartitionKey?, ItemRequestOptions, CancellationToken>((d, pk, _, _) => (written, partition) = (d, pk))
            .ReturnsAsync((ItemResponse<MemberDocument>)null!);

        await new CosmosSegmentMembers(_container.Object).UpsertAsync(new SegmentMember("pro", "p-1", Now, 3), default);

        Assert.Equal(new PartitionKey("pro"), partition);
        Assert.Equal(new MemberDocument("p-1", "pro", "p-1", Now, 3), written);
    }

    [Fact]
    public async Task Members_RemoveAsyncMissing_NotAnError()
    {
        _container.Setup(c => c.DeleteItemAsync<MemberDocument>("p-1", new PartitionKey("pro"), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.NotFound));

        await new CosmosSegmentMembers(_container.Object).RemoveAsync("pro", "p-1", default);

        _container.VerifyAll();
    }

    [Fact]
    public async Task Members_PageAsync_OnePageOfThePartitionWithTheSdksContinuation()
    {
        QueryRequestOptions? options = null;
        string? token = null;
        _container.Setup(c => c.GetItemQueryIterator<MemberDocument>(It.Is<QueryDefinition>(q => q.QueryText == CosmosSegmentMembers.PageQuery), It.IsAny<string>(), It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((_, t, o) => (token, options) = (t, o))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<MemberDocument>([new("p-2", "pro", "p-2", Now, 1)], "next")));

        var page = await new CosmosSegmentMembers(_container.Object).PageAsync("pro", 10, "previous", default);

        Assert.Equal((new PartitionKey("pro"), 10), (options!.PartitionKey, options.MaxItemCount));
        Assert.Equal("previous", token);
        Assert.Equal(["p-2"], page.Members.Select(m => m.ProfileId));
        Assert.Equal("next", page.Continuation);
    }

    [Fact]
    public async Task Members_RemoveProfileAsync_FindsRowsAcrossSegmentsAndDeletesEachInItsPartition()
    {
        QueryDefinition? query = null;
        _container.Setup(c => c.GetItemQueryIterator<MemberDocument>(It.IsAny<QueryDefinition>(), null, null))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, _) => query = q)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<MemberDocument>([new("p-1", "pro", "p-1", Now, 1), new("p-1", "vip", "p-1", Now, 1)], null)));
        foreach (var segment in new[] { "pro", "vip" })
        {
            _container.Setup(c => c.DeleteItemAsync<MemberDocument>("p-1", new PartitionKey(segment), null, It.IsAny<CancellationToken>()))
                .ReturnsAsync((ItemResponse<MemberDocument>)null!);
        }

        await new CosmosSegmentMembers(_container.Object).RemoveProfileAsync("p-1", default);

        _container.VerifyAll();
        Assert.Equal(CosmosSegmentMembers.ByProfileQuery, query!.QueryText);
        Assert.Equal(("@profileId", (object)"p-1"), query.GetQueryParameters().Single());
    }

    [Fact]
    public async Task Members_CountAsync_CountsInTheSegmentsPartition()
    {
        QueryRequestOptions? options = null;
        _container.Setup(c => c.GetItemQueryIterator<long>(It.Is<QueryDefinition>(q => q.QueryText == CosmosSegmentMembers.CountQuery), null, It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((_, _, o) => options = o)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<long>([42], null)));

        Assert.Equal(42, await new CosmosSegmentMembers(_container.Object).CountAsync("pro", default));
        Assert.Equal(new PartitionKey("pro"), options!.PartitionKey);
    }

    [Fact]
    public async Task Scan_ShardsAreFeedRanges_EachReadOnItsRangeWithTheSdksContinuation()
    {
        var range = FeedRange.FromPartitionKey(new PartitionKey("p-1"));
        _container.Setup(c => c.GetFeedRangesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([range]);
        FeedRange? read = null;
        _container.Setup(c => c.GetItemQueryIterator<string>(It.IsAny<FeedRange>(), It.Is<QueryDefinition>(q => q.QueryText == CosmosProfileScan.IdsQuery), "c1", It.IsAny<QueryRequestOptions>()))
            .Callback<FeedRange, QueryDefinition, string, QueryRequestOptions>((r, _, _, _) => read = r)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<string>(["p-1", "p-2"], "c2")));
        var scan = new CosmosProfileScan(_container.Object);

        var shards = await scan.ListShardsAsync(default);
        var page = await scan.ReadAsync(shards.Single(), 2, "c1", default);

        Assert.Equal(range.ToJsonString(), read!.ToJsonString());
        Assert.Equal(["p-1", "p-2"], page.ProfileIds);
        Assert.Equal("c2", page.Continuation);
        await Assert.ThrowsAsync<ArgumentException>(() => scan.ReadAsync("not a range", 2, null, default));
    }

    private static SegmentDocument Segment(string key) =>
        new(key, "Pro", JsonDocument.Parse("""{"consent":"marketing"}""").RootElement.Clone(), ["crm"], Now, Now);
}
