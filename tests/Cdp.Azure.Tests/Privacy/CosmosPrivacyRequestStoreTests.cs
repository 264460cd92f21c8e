using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Azure.Privacy;
using Cdp.Core;
using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Privacy;

public sealed class CosmosPrivacyRequestStoreTests
{
    private const string Id = "7f9c2a51-1d7e-4c3a-9a53-5f1f0e3b8d21";
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task GetAsync_Stored_PointReadsInItsOwnPartitionAndReturnsRequestAndETag()
    {
        var request = TestRequests.New(Id);
        _container.Setup(c => c.ReadItemAsync<JsonObject>(Id, new PartitionKey(Id), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Item(Stored(request), "\"e1\""));

        var read = await Store().GetAsync(Id, CancellationToken.None);

        Assert.Equal("\"e1\"", read!.Value.ETag);
        Assert.Equal(Json(request), Json(read.Value.Value));
    }

    [Fact]
    public async Task GetAsync_NotFound_ReturnsNull()
    {
        _container.Setup(c => c.ReadItemAsync<JsonObject>(Id, new PartitionKey(Id), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.NotFound));

        Assert.Null(await Store().GetAsync(Id, CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_IdOfAnotherKindOfDocument_ReturnsNull()
    {
        var suppression = new JsonObject { ["id"] = "suppress:email:ab", ["kind"] = "suppression", ["key"] = "email:ab" };
        _container.Setup(c => c.ReadItemAsync<JsonObject>("suppress:email:ab", new PartitionKey("suppress:email:ab"), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Item(suppression, "\"e1\""));

        Assert.Null(await Store().GetAsync("suppress:email:ab", CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_Throttled_Propagates()
    {
        _container.Setup(c => c.ReadItemAsync<JsonObject>(Id, new PartitionKey(Id), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.TooManyRequests));

        await Assert.ThrowsAsync<CosmosException>(() => Store().GetAsync(Id, CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_New_WritesTheRequestWithItsKindInItsOwnPartition()
    {
        JsonObject? written = null;
        PartitionKey? partition = null;
        _container.Setup(c => c.CreateItemAsync(It.IsAny<JsonObject>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<JsonObject, PartitionKey?, ItemRequestOptions, CancellationToken>((d, pk, _, _) => (written, partition) = (d, pk))
            .ReturnsAsync(CosmosMocks.Item(new JsonObject(), "\"e1\""));

        var etag = await Store().CreateAsync(TestRequests.New(Id), CancellationToken.None);

        Assert.Equal("\"e1\"", etag);
        Assert.Equal(new PartitionKey(Id), partition);
        Assert.Equal(Id, (string?)written!["id"]);
        Assert.Equal("request", (string?)written["kind"]);
        Assert.Equal("hash-1", (string?)written["requestHash"]);
        Assert.Equal("pending", (string?)written["status"]);
    }

    [Fact]
    public async Task CreateAsync_ReceivedTimeWithAnOffset_StoresItInUtcSoTheListOrderIsTheTimeOrder()
    {
        JsonObject? written = null;
        _container.Setup(c => c.CreateItemAsync(It.IsAny<JsonObject>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<JsonObject, PartitionKey?, ItemRequestOptions, CancellationToken>((d, _, _, _) => written = d)
            .ReturnsAsync(CosmosMocks.Item(new JsonObject(), "\"e1\""));

        await Store().CreateAsync(TestRequests.New(Id, received: new DateTimeOffset(2025, 3, 1, 14, 0, 0, TimeSpan.FromHours(2))), CancellationToken.None);

        Assert.Equal("2025-03-01T12:00:00+00:00", (string?)written!["receivedTime"]);
    }

    [Fact]
    public async Task CreateAsync_IdExists_ThrowsConcurrencyConflict()
    {
        _container.Setup(c => c.CreateItemAsync(It.IsAny<JsonObject>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.Conflict));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store().CreateAsync(TestRequests.New(Id), CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceAsync_Current_SendsIfMatchWithTheReadETagInTheRequestPartition()
    {
        ItemRequestOptions? sent = null;
        _container.Setup(c => c.ReplaceItemAsync(It.IsAny<JsonObject>(), Id, new PartitionKey(Id), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<JsonObject, string, PartitionKey?, ItemRequestOptions, CancellationToken>((_, _, _, o, _) => sent = o)
            .ReturnsAsync(CosmosMocks.Item(new JsonObject(), "\"e2\""));

        var etag = await Store().ReplaceAsync(TestRequests.New(Id, PrivacyRequestStatuses.InProgress), "\"e1\"", CancellationToken.None);

        Assert.Equal("\"e2\"", etag);
        Assert.Equal("\"e1\"", sent!.IfMatchEtag);
    }

    [Theory]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task ReplaceAsync_ChangedOrDeletedSinceRead_ThrowsConcurrencyConflict(HttpStatusCode status)
    {
        _container.Setup(c => c.ReplaceItemAsync(It.IsAny<JsonObject>(), Id, new PartitionKey(Id), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(status));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => Store().ReplaceAsync(TestRequests.New(Id), "\"e1\"", CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_ShortResultPages_ReadsOnWithTheTokenUntilThePageIsFull()
    {
        var a = TestRequests.New("a");
        var b = TestRequests.New("b");
        var c = TestRequests.New("c");
        QueryDefinition? query = null;
        _container.Setup(x => x.GetItemQueryIterator<JsonObject>(It.IsAny<QueryDefinition>(), null, It.Is<QueryRequestOptions>(o => o.MaxItemCount == 3)))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, _) => query = q)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page([Stored(a)], "t1")));
        _container.Setup(x => x.GetItemQueryIterator<JsonObject>(It.IsAny<QueryDefinition>(), "t1", It.Is<QueryRequestOptions>(o => o.MaxItemCount == 2)))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page([Stored(b), Stored(c)], "t2")));

        var page = await Store().ListAsync(3, null, CancellationToken.None);

        Assert.Equal(["a", "b", "c"], page.Requests.Select(r => r.Id));
        Assert.Equal("t2", page.ContinuationToken);
        Assert.Equal(CosmosPrivacyRequestStore.NewestFirstQuery, query!.QueryText);
    }

    [Fact]
    public async Task ListAsync_TokenCosmosCannotParse_ThrowsArgumentException()
    {
        var iterator = new Mock<FeedIterator<JsonObject>>();
        iterator.Setup(i => i.HasMoreResults).Returns(true);
        iterator.Setup(i => i.ReadNextAsync(It.IsAny<CancellationToken>())).ThrowsAsync(CosmosMocks.Error(HttpStatusCode.BadRequest));
        _container.Setup(x => x.GetItemQueryIterator<JsonObject>(It.IsAny<QueryDefinition>(), "garbage", It.IsAny<QueryRequestOptions>()))
            .Returns(iterator.Object);

        await Assert.ThrowsAsync<ArgumentException>(() => Store().ListAsync(10, "garbage", CancellationToken.None));
    }

    [Fact]
    public async Task FindUnfinishedByHashAsync_TwoUnfinished_QueriesByHashAndReturnsTheEarliestReceived()
    {
        var later = TestRequests.New("later", received: TestRequests.Received.AddHours(1));
        var earlier = TestRequests.New("earlier", PrivacyRequestStatuses.InProgress);
        QueryDefinition? query = null;
        _container.Setup(x => x.GetItemQueryIterator<JsonObject>(It.IsAny<QueryDefinition>(), null, null))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, _) => query = q)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page([Stored(later), Stored(earlier)], null)));

        var found = await Store().FindUnfinishedByHashAsync("hash-1", CancellationToken.None);

        Assert.Equal("earlier", found!.Id);
        Assert.Equal(CosmosPrivacyRequestStore.UnfinishedByHashQuery, query!.QueryText);
        Assert.Equal(("@hash", (object)"hash-1"), query.GetQueryParameters().Single());
    }

    [Fact]
    public async Task FindUnfinishedByHashAsync_NoneUnfinished_ReturnsNull()
    {
        _container.Setup(x => x.GetItemQueryIterator<JsonObject>(It.IsAny<QueryDefinition>(), null, null))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<JsonObject>([], null)));

        Assert.Null(await Store().FindUnfinishedByHashAsync("hash-1", CancellationToken.None));
    }

    [Fact]
    public void ToDocument_ThenFromDocument_KeepsEveryField()
    {
        var request = TestRequests.New(Id) with
        {
            LinkedIdentities = [new SubjectIdentity("userId", "u-1")],
            ProfileIds = ["p-1"],
            RawBlobs = ["2025/03/01/12/b.ndjson"],
            Results = [new DocumentRef(DocumentAreas.Certificates, Id + ".json", "application/json")],
            Attempt = 2,
            Error = "boom",
        };

        // Through text, as the document travels to the database and back.
        var stored = JsonNode.Parse(CosmosPrivacyRequestStore.ToDocument(request).ToJsonString())!.AsObject();

        Assert.Equal(Json(request), Json(CosmosPrivacyRequestStore.FromDocument(stored)));
    }

    private static JsonObject Stored(PrivacyRequest request)
    {
        var document = JsonNode.Parse(CosmosPrivacyRequestStore.ToDocument(request).ToJsonString())!.AsObject();
        document["_etag"] = "\"e1\"";
        document["_ts"] = 1_740_830_400;
        return document;
    }

    private static string Json(PrivacyRequest request) => JsonSerializer.Serialize(request, PrivacyJsonContext.Default.PrivacyRequest);

    private CosmosPrivacyRequestStore Store() => new(_container.Object);
}
