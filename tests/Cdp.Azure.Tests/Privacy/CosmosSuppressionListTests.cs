using System.Collections.Concurrent;
using System.Net;
using Cdp.Azure.Privacy;
using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Privacy;

public sealed class CosmosSuppressionListTests
{
    private const string Key = "email:8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92";
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task AddAsync_Entries_CreatesSuppressKeyDocumentsEachInItsOwnPartition()
    {
        var written = new ConcurrentBag<(SuppressionDocument Document, PartitionKey? Partition)>();
        _container.Setup(c => c.CreateItemAsync(It.IsAny<SuppressionDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<SuppressionDocument, PartitionKey?, ItemRequestOptions, CancellationToken>((d, pk, _, _) => written.Add((d, pk)))
            .ReturnsAsync((ItemResponse<SuppressionDocument>)null!);

        await List().AddAsync([new SuppressionEntry(Key, "r-1", Now), new SuppressionEntry("userId:ab", "r-1", Now)], CancellationToken.None);

        Assert.Equal(["suppress:" + Key, "suppress:userId:ab"], written.Select(w => w.Document.Id).Order(StringComparer.Ordinal));
        Assert.All(written, w =>
        {
            Assert.Equal(new PartitionKey(w.Document.Id), w.Partition);
            Assert.Equal("suppression", w.Document.Kind);
            Assert.Equal("r-1", w.Document.RequestId);
        });
    }

    [Fact]
    public async Task AddAsync_KeyListedAlready_KeepsTheFirstEntryWithoutError()
    {
        _container.Setup(c => c.CreateItemAsync(It.IsAny<SuppressionDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.Conflict));

        await List().AddAsync([new SuppressionEntry(Key, "r-2", Now)], CancellationToken.None);

        _container.Verify(c => c.CreateItemAsync(It.IsAny<SuppressionDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()),
            Times.Once);
        _container.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AddAsync_Throttled_Propagates()
    {
        _container.Setup(c => c.CreateItemAsync(It.IsAny<SuppressionDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.TooManyRequests));

        await Assert.ThrowsAsync<CosmosException>(() => List().AddAsync([new SuppressionEntry(Key, "r-1", Now)], CancellationToken.None));
    }

    [Fact]
    public async Task FindAsync_Keys_ReadsManyByIdInEachIdsPartitionOnce()
    {
        IReadOnlyList<(string Id, PartitionKey Partition)>? asked = null;
        IReadOnlyList<SuppressionDocument> stored = [SuppressionDocument.From(new SuppressionEntry(Key, "r-1", Now))];
        _container.Setup(c => c.ReadManyItemsAsync<SuppressionDocument>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), null, It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<(string, PartitionKey)>, ReadManyRequestOptions, CancellationToken>((keys, _, _) => asked = keys)
            .ReturnsAsync(CosmosMocks.Page(stored, null));

        var found = await List().FindAsync([Key, "userId:ab", Key], CancellationToken.None);

        Assert.Equal([new SuppressionEntry(Key, "r-1", Now)], found);
        Assert.Equal(["suppress:" + Key, "suppress:userId:ab"], asked!.Select(k => k.Id));
        Assert.All(asked!, k => Assert.Equal(new PartitionKey(k.Id), k.Partition));
    }

    [Fact]
    public async Task FindAsync_NoKeys_AsksNothing()
    {
        Assert.Empty(await List().FindAsync([], CancellationToken.None));

        _container.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("crm/id:ab")]
    [InlineData("crm?id:ab")]
    [InlineData("crm#id:ab")]
    [InlineData("crm\\id:ab")]
    public void DocumentId_KeyWithACharacterCosmosIdsForbid_IsAStableHash(string key)
    {
        var id = CosmosSuppressionList.DocumentId(key);

        Assert.Matches("^suppress:~[0-9a-f]{64}$", id);
        Assert.Equal(id, CosmosSuppressionList.DocumentId(key));
        Assert.NotEqual(id, CosmosSuppressionList.DocumentId(key + "c"));
    }

    [Fact]
    public void DocumentId_KeyTooLongForAnId_IsAHash()
    {
        Assert.Matches("^suppress:~[0-9a-f]{64}$", CosmosSuppressionList.DocumentId(new string('t', 200) + ":" + new string('a', 64)));
    }

    [Fact]
    public async Task ListByRequestAsync_QueriesSuppressionDocumentsOfThatRequest()
    {
        QueryDefinition? query = null;
        IReadOnlyList<SuppressionDocument> stored = [SuppressionDocument.From(new SuppressionEntry(Key, "r-1", Now))];
        _container.Setup(c => c.GetItemQueryIterator<SuppressionDocument>(It.IsAny<QueryDefinition>(), null, null))
            .Callback<QueryDefinition, string, QueryRequestOptions>((q, _, _) => query = q)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page(stored, null)));

        var listed = await List().ListByRequestAsync("r-1", CancellationToken.None);

        Assert.Equal([new SuppressionEntry(Key, "r-1", Now)], listed);
        Assert.Equal(CosmosSuppressionList.ByRequestQuery, query!.QueryText);
        Assert.Equal(("@requestId", (object)"r-1"), query.GetQueryParameters().Single());
    }

    [Fact]
    public async Task RemoveAsync_ListedAndUnlisted_DeletesEachInItsPartitionAndCountsOnlyTheListed()
    {
        var deleted = new ConcurrentBag<(string Id, PartitionKey Partition)>();
        _container.Setup(c => c.DeleteItemAsync<SuppressionDocument>(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<string, PartitionKey, ItemRequestOptions, CancellationToken>((id, pk, _, _) => deleted.Add((id, pk)))
            .ReturnsAsync((ItemResponse<SuppressionDocument>)null!);
        _container.Setup(c => c.DeleteItemAsync<SuppressionDocument>("suppress:phone:none", It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.NotFound));

        var removed = await List().RemoveAsync([Key, "phone:none", Key], CancellationToken.None);

        Assert.Equal(1, removed);
        var (id, partition) = Assert.Single(deleted);
        Assert.Equal("suppress:" + Key, id);
        Assert.Equal(new PartitionKey(id), partition);
    }

    private CosmosSuppressionList List() => new(_container.Object);
}
