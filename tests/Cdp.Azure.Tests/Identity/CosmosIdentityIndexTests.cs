using System.Net;
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

    private CosmosIdentityIndex Index() => new(_container.Object);
}
