using System.Net;
using System.Text.Json.Nodes;
using Cdp.Azure.Cosmos;
using Cdp.Azure.Profiles;
using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using Moq;

namespace Cdp.Azure.Tests.Profiles;

public sealed class CosmosConsentArchiveTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<Container> _container = new(MockBehavior.Strict);
    private readonly List<(PartitionKey Partition, List<ConsentArchiveDocument> Creates)> _batches = [];
    private readonly Queue<HttpStatusCode> _batchResults = new();

    public CosmosConsentArchiveTests()
    {
        _container.Setup(c => c.CreateTransactionalBatch(It.IsAny<PartitionKey>())).Returns((PartitionKey pk) => RecordingBatch(pk));
    }

    [Fact]
    public async Task AppendAsync_250Entries_ThreeBatchesOfAtMost100NeverExpiringConsentItemsInTheProfilePartition()
    {
        var entries = Entries(250);

        await Archive().AppendAsync("p-1", entries, CancellationToken.None);

        Assert.Equal([100, 100, 50], _batches.Select(b => b.Creates.Count));
        Assert.All(_batches, b => Assert.Equal(new PartitionKey("p-1"), b.Partition));
        var created = _batches.SelectMany(b => b.Creates).ToList();
        Assert.Equal(entries.Select(e => "consent:" + ConsentArchiveIds.EntryId("p-1", e)), created.Select(d => d.Id));
        Assert.All(created, d => Assert.Equal(("p-1", "consentHistory", -1), (d.ProfileId, d.Kind, d.Ttl)));
        Assert.Equal(entries, created.Select(d => d.ToEntry()));
    }

    [Fact]
    public async Task AppendAsync_SameEntryTwiceInOneCall_CreatesItOnce()
    {
        var entry = Entries(1)[0];

        await Archive().AppendAsync("p-1", [entry, entry], CancellationToken.None);

        Assert.Single(_batches.Single().Creates);
    }

    [Fact]
    public async Task AppendAsync_SomeArchivedAlready_LooksThemUpOnceAndCreatesOnlyTheRest()
    {
        var entries = Entries(4);
        _batchResults.Enqueue(HttpStatusCode.Conflict);
        QueryDefinition? lookup = null;
        _container.Setup(c => c.GetItemQueryIterator<string>(It.IsAny<QueryDefinition>(), null, It.Is<QueryRequestOptions>(o => o.PartitionKey == new PartitionKey("p-1"))))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, _) => lookup = q)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<string>([IdOf(entries[0]), IdOf(entries[2])], null)));

        await Archive().AppendAsync("p-1", entries, CancellationToken.None);

        Assert.Equal([4, 2], _batches.Select(b => b.Creates.Count));
        Assert.Equal([IdOf(entries[1]), IdOf(entries[3])], _batches[1].Creates.Select(d => d.Id));
        Assert.Equal(entries.Select(IdOf), (IEnumerable<string>)lookup!.GetQueryParameters().Single().Value);
    }

    [Fact]
    public async Task AppendAsync_BatchFails_ThrowsWithTheStatus()
    {
        _batchResults.Enqueue(HttpStatusCode.TooManyRequests);

        var thrown = await Assert.ThrowsAsync<CosmosException>(() => Archive().AppendAsync("p-1", Entries(3), CancellationToken.None));

        Assert.Equal(HttpStatusCode.TooManyRequests, thrown.StatusCode);
    }

    [Fact]
    public async Task ListAsync_ConsentItemsOfThePartition_OldestFirstWhateverTheQueryOrder()
    {
        var entries = Entries(3);
        QueryDefinition? query = null;
        QueryRequestOptions? options = null;
        _container.Setup(c => c.GetItemQueryIterator<ConsentArchiveDocument>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, o) => (query, options) = (q, o))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page(entries.AsEnumerable().Reverse().Select(e => ConsentArchiveDocument.From("p-1", e)).ToList(), null)));

        var listed = await Archive().ListAsync("p-1", CancellationToken.None);

        Assert.Equal(entries, listed);
        Assert.Equal("SELECT * FROM c WHERE c.kind = 'consentHistory'", query!.QueryText);
        Assert.Equal(new PartitionKey("p-1"), options!.PartitionKey);
    }

    [Fact]
    public async Task DeleteAllAsync_DeletesEachConsentItemButNeverThePartition_CountingThoseThatWent()
    {
        QueryDefinition? query = null;
        _container.Setup(c => c.GetItemQueryIterator<string>(It.IsAny<QueryDefinition>(), null, It.Is<QueryRequestOptions>(o => o.PartitionKey == new PartitionKey("p-1"))))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, _) => query = q)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<string>(["consent:a", "consent:b", "consent:c"], null)));
        var deleted = new List<string>();
        _container.Setup(c => c.DeleteItemStreamAsync(It.IsAny<string>(), new PartitionKey("p-1"), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<string, PartitionKey, ItemRequestOptions, CancellationToken>((id, _, _, _) => deleted.Add(id))
            .ReturnsAsync((string id, PartitionKey _, ItemRequestOptions _, CancellationToken _) =>
                new ResponseMessage(id == "consent:b" ? HttpStatusCode.NotFound : HttpStatusCode.NoContent));

        var count = await Archive().DeleteAllAsync("p-1", CancellationToken.None);

        Assert.Equal(2, count);
        Assert.Equal(["consent:a", "consent:b", "consent:c"], deleted);
        Assert.Equal("SELECT VALUE c.id FROM c WHERE c.kind = 'consentHistory'", query!.QueryText);
        _container.Verify(c => c.DeleteAllItemsByPartitionKeyStreamAsync(It.IsAny<PartitionKey>(), It.IsAny<RequestOptions>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task DeleteAllAsync_DeleteFails_Throws()
    {
        _container.Setup(c => c.GetItemQueryIterator<string>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<string>(["consent:a"], null)));
        _container.Setup(c => c.DeleteItemStreamAsync("consent:a", It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ResponseMessage(HttpStatusCode.TooManyRequests));

        await Assert.ThrowsAnyAsync<Exception>(() => Archive().DeleteAllAsync("p-1", CancellationToken.None));
    }

    [Fact]
    public void Document_Serialized_HasThePartitionKeyTheDiscriminatorAndNoExpiry()
    {
        var options = new CdpAzureOptions { CosmosEndpoint = new Uri("https://localhost:8081/"), CosmosKey = TestSettings.EmulatorKey };
        using var client = CosmosClientFactory.Create(options, new CdpCredential(Options.Create(options)));
        var entry = new ConsentHistoryEntry("marketing", false, Start, "web", "m-1");

        using var stream = client.ClientOptions.Serializer.ToStream(ConsentArchiveDocument.From("p-1", entry));
        var json = JsonNode.Parse(stream)!.AsObject();

        Assert.Equal("consent:" + ConsentArchiveIds.EntryId("p-1", entry), json["id"]!.GetValue<string>());
        Assert.Equal("p-1", json["profileId"]!.GetValue<string>());
        Assert.Equal("consentHistory", json["kind"]!.GetValue<string>());
        Assert.Equal(-1, json["ttl"]!.GetValue<int>());
        Assert.Equal(Start, json["at"]!.GetValue<DateTimeOffset>());
        stream.Position = 0;
        Assert.Equal(entry, client.ClientOptions.Serializer.FromStream<ConsentArchiveDocument>(stream).ToEntry());
    }

    private CosmosConsentArchive Archive() => new(_container.Object);

    private static string IdOf(ConsentHistoryEntry entry) => "consent:" + ConsentArchiveIds.EntryId("p-1", entry);

    private static List<ConsentHistoryEntry> Entries(int count) =>
        Enumerable.Range(0, count).Select(i => new ConsentHistoryEntry("marketing", i % 2 == 0, Start.AddMinutes(i), "web", $"m-{i}")).ToList();

    private TransactionalBatch RecordingBatch(PartitionKey partition)
    {
        var creates = new List<ConsentArchiveDocument>();
        _batches.Add((partition, creates));
        var batch = new Mock<TransactionalBatch>(MockBehavior.Strict);
        batch.Setup(b => b.CreateItem(It.IsAny<ConsentArchiveDocument>(), It.IsAny<TransactionalBatchItemRequestOptions>()))
            .Callback<ConsentArchiveDocument, TransactionalBatchItemRequestOptions>((d, _) => creates.Add(d))
            .Returns(() => batch.Object);
        batch.Setup(b => b.ExecuteAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => CosmosMocks.BatchResult(_batchResults.TryDequeue(out var status) ? status : HttpStatusCode.OK));
        return batch.Object;
    }
}
