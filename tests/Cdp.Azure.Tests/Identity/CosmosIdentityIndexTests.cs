using System.Net;
using System.Text.Json;
using Cdp.Azure.Identity;
using Cdp.Core;
using Cdp.Core.Identity;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Identity;

public sealed class CosmosIdentityIndexTests
{
    private const string EmailId = "email:8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92";
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task GetAsync_Linked_PointReadsByIdentityIdAsPartitionKey()
    {
        var link = new IdentityLink(EmailId, "p-1", Now, Now);
        _container.Setup(c => c.ReadItemAsync<IdentityLink>(EmailId, new PartitionKey(EmailId), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Item(link, "\"e1\""));

        var read = await Index().GetAsync(EmailId, CancellationToken.None);

        Assert.Equal(new Versioned<IdentityLink>(link, "\"e1\""), read);
    }

    [Fact]
    public async Task GetAsync_Unknown_ReturnsNull()
    {
        _container.Setup(c => c.ReadItemAsync<IdentityLink>(EmailId, new PartitionKey(EmailId), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.NotFound));

        Assert.Null(await Index().GetAsync(EmailId, CancellationToken.None));
    }

    [Fact]
    public async Task TryCreateAsync_New_ReturnsTrue()
    {
        var link = new IdentityLink(EmailId, "p-1", Now, Now);
        _container.Setup(c => c.CreateItemAsync(link, new PartitionKey(EmailId), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Item(link, "\"e1\""));

        Assert.True(await Index().TryCreateAsync(link, CancellationToken.None));
    }

    [Fact]
    public async Task TryCreateAsync_AnotherWriterWon_ReturnsFalse()
    {
        var link = new IdentityLink(EmailId, "p-1", Now, Now);
        _container.Setup(c => c.CreateItemAsync(link, new PartitionKey(EmailId), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.Conflict));

        Assert.False(await Index().TryCreateAsync(link, CancellationToken.None));
    }

    [Fact]
    public async Task TryCreateAsync_Throttled_Propagates()
    {
        var link = new IdentityLink(EmailId, "p-1", Now, Now);
        _container.Setup(c => c.CreateItemAsync(link, new PartitionKey(EmailId), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.TooManyRequests));

        await Assert.ThrowsAsync<CosmosException>(() => Index().TryCreateAsync(link, CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceAsync_Current_SendsIfMatchWithTheReadETag()
    {
        var link = new IdentityLink(EmailId, "p-2", Now, Now);
        ItemRequestOptions? sent = null;
        _container.Setup(c => c.ReplaceItemAsync(link, EmailId, new PartitionKey(EmailId), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<IdentityLink, string, PartitionKey?, ItemRequestOptions, CancellationToken>((_, _, _, o, _) => sent = o)
            .ReturnsAsync(CosmosMocks.Item(link, "\"e2\""));

        Assert.Equal("\"e2\"", await Index().ReplaceAsync(link, "\"e1\"", CancellationToken.None));
        Assert.Equal("\"e1\"", sent?.IfMatchEtag);
    }

    [Fact]
    public async Task ReplaceAsync_ChangedSinceRead_ThrowsConcurrencyConflict()
    {
        var link = new IdentityLink(EmailId, "p-2", Now, Now);
        _container.Setup(c => c.ReplaceItemAsync(link, EmailId, new PartitionKey(EmailId), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.PreconditionFailed));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Index().ReplaceAsync(link, "\"e1\"", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_WithETag_SendsIfMatchInTheIdentityPartition()
    {
        ItemRequestOptions? sent = null;
        _container.Setup(c => c.DeleteItemAsync<IdentityLink>(EmailId, new PartitionKey(EmailId), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<string, PartitionKey, ItemRequestOptions, CancellationToken>((_, _, o, _) => sent = o)
            .ReturnsAsync(CosmosMocks.Item<IdentityLink>(null!, "\"e1\""));

        Assert.True(await Index().DeleteAsync(EmailId, "\"e1\"", CancellationToken.None));
        Assert.Equal("\"e1\"", sent?.IfMatchEtag);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    public async Task DeleteAsync_GoneOrChanged_ReturnsFalse(HttpStatusCode status)
    {
        _container.Setup(c => c.DeleteItemAsync<IdentityLink>(EmailId, new PartitionKey(EmailId), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(status));

        Assert.False(await Index().DeleteAsync(EmailId, "\"e1\"", CancellationToken.None));
    }

    [Fact]
    public async Task GetManyAsync_SomeLinked_ReadsManyEachInItsOwnPartitionAndReturnsTheStoredETags()
    {
        const string UserId = "userId:3d4e5f";
        var asked = new List<IReadOnlyList<(string Id, PartitionKey Partition)>>();
        var email = new IdentityLink(EmailId, "p-1", Now, Now);
        var user = new IdentityLink(UserId, "p-2", Now, Now.AddDays(1));
        _container.Setup(c => c.ReadManyItemsAsync<JsonElement>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), null, It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<(string, PartitionKey)>, ReadManyRequestOptions, CancellationToken>((keys, _, _) => asked.Add(keys))
            .ReturnsAsync(CosmosMocks.Page([CosmosMocks.Stored(email, "\"e1\""), CosmosMocks.Stored(user, "\"e2\"")], null));

        var read = await Index().GetManyAsync([EmailId, "anonymousId:404", UserId, EmailId], CancellationToken.None);

        Assert.Equal(new Versioned<IdentityLink>(email, "\"e1\""), read[EmailId]);
        Assert.Equal(new Versioned<IdentityLink>(user, "\"e2\""), read[UserId]);
        Assert.Equal(2, read.Count);
        var keys = Assert.Single(asked);
        Assert.Equal([EmailId, "anonymousId:404", UserId], keys.Select(k => k.Id));
        Assert.All(keys, k => Assert.Equal(new PartitionKey(k.Id), k.Partition));
    }

    [Fact]
    public async Task GetManyAsync_MoreIdsThanOneCallTakes_AsksInCallsOfAtMostTheLimit()
    {
        var sizes = new List<int>();
        _container.Setup(c => c.ReadManyItemsAsync<JsonElement>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), null, It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<(string, PartitionKey)>, ReadManyRequestOptions, CancellationToken>((keys, _, _) => sizes.Add(keys.Count))
            .ReturnsAsync(CosmosMocks.Page<JsonElement>([], null));

        await Index().GetManyAsync(Enumerable.Range(0, 2_500).Select(i => $"anonymousId:{i}").ToList(), CancellationToken.None);

        Assert.Equal([1_000, 1_000, 500], sizes);
    }

    [Fact]
    public async Task GetManyAsync_NoIds_AsksNothing()
    {
        Assert.Empty(await Index().GetManyAsync([], CancellationToken.None));

        _container.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GetManyAsync_ItemWithoutETag_ThrowsRatherThanReturnAnUnwritableLink()
    {
        _container.Setup(c => c.ReadManyItemsAsync<JsonElement>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Page([CosmosMocks.Stored(new IdentityLink(EmailId, "p-1", Now, Now), null)], null));

        await Assert.ThrowsAsync<InvalidDataException>(() => Index().GetManyAsync([EmailId], CancellationToken.None));
    }

    [Fact]
    public async Task GetManyAsync_Throttled_Propagates()
    {
        _container.Setup(c => c.ReadManyItemsAsync<JsonElement>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.TooManyRequests));

        var thrown = await Assert.ThrowsAsync<CosmosException>(() => Index().GetManyAsync([EmailId], CancellationToken.None));
        Assert.Equal(HttpStatusCode.TooManyRequests, thrown.StatusCode);
    }

    private CosmosIdentityIndex Index() => new(_container.Object);
}
