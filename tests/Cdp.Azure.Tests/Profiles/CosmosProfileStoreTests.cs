using System.Net;
using System.Text.Json;
using Cdp.Azure.Profiles;
using Cdp.Core;
using Cdp.Core.Profiles;
using Microsoft.Azure.Cosmos;
using Moq;

namespace Cdp.Azure.Tests.Profiles;

public sealed class CosmosProfileStoreTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task GetAsync_Existing_PointReadsInItsOwnPartitionAndReturnsETag()
    {
        var profile = NewProfile("p-1");
        _container.Setup(c => c.ReadItemAsync<Profile>("p-1", new PartitionKey("p-1"), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Item(profile, "\"e1\""));

        var read = await Store().GetAsync("p-1", CancellationToken.None);

        Assert.NotNull(read);
        Assert.Same(profile, read.Value.Value);
        Assert.Equal("\"e1\"", read.Value.ETag);
    }

    [Fact]
    public async Task GetAsync_NotFound_ReturnsNull()
    {
        _container.Setup(c => c.ReadItemAsync<Profile>("p-404", new PartitionKey("p-404"), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.NotFound));

        Assert.Null(await Store().GetAsync("p-404", CancellationToken.None));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task GetAsync_OtherFailure_Propagates(HttpStatusCode status)
    {
        _container.Setup(c => c.ReadItemAsync<Profile>("p-1", new PartitionKey("p-1"), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(status));

        var thrown = await Assert.ThrowsAsync<CosmosException>(() => Store().GetAsync("p-1", CancellationToken.None));
        Assert.Equal(status, thrown.StatusCode);
    }

    [Fact]
    public async Task CreateAsync_New_WritesInItsOwnPartitionAndReturnsETag()
    {
        var profile = NewProfile("p-2");
        _container.Setup(c => c.CreateItemAsync(profile, new PartitionKey("p-2"), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Item(profile, "\"e2\""));

        Assert.Equal("\"e2\"", await Store().CreateAsync(profile, CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_IdTaken_ThrowsConcurrencyConflict()
    {
        var profile = NewProfile("p-2");
        _container.Setup(c => c.CreateItemAsync(profile, new PartitionKey("p-2"), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.Conflict));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store().CreateAsync(profile, CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceAsync_Current_SendsIfMatchWithTheReadETag()
    {
        var profile = NewProfile("p-3");
        ItemRequestOptions? sent = null;
        _container.Setup(c => c.ReplaceItemAsync(profile, "p-3", new PartitionKey("p-3"), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<Profile, string, PartitionKey?, ItemRequestOptions, CancellationToken>((_, _, _, o, _) => sent = o)
            .ReturnsAsync(CosmosMocks.Item(profile, "\"e4\""));

        var etag = await Store().ReplaceAsync(profile, "\"e3\"", CancellationToken.None);

        Assert.Equal("\"e4\"", etag);
        Assert.Equal("\"e3\"", sent?.IfMatchEtag);
    }

    [Theory]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task ReplaceAsync_ChangedOrDeletedSinceRead_ThrowsConcurrencyConflict(HttpStatusCode status)
    {
        var profile = NewProfile("p-3");
        _container.Setup(c => c.ReplaceItemAsync(profile, "p-3", new PartitionKey("p-3"), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(status));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store().ReplaceAsync(profile, "\"old\"", CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceAsync_Throttled_PropagatesForTheCallerToRetry()
    {
        var profile = NewProfile("p-3");
        _container.Setup(c => c.ReplaceItemAsync(profile, "p-3", new PartitionKey("p-3"), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.TooManyRequests));

        var thrown = await Assert.ThrowsAsync<CosmosException>(() => Store().ReplaceAsync(profile, "\"e3\"", CancellationToken.None));
        Assert.Equal(HttpStatusCode.TooManyRequests, thrown.StatusCode);
    }

    [Fact]
    public async Task DeleteAsync_Existing_DeletesInItsOwnPartitionAndReturnsTrue()
    {
        _container.Setup(c => c.DeleteItemAsync<Profile>("p-1", new PartitionKey("p-1"), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(CosmosMocks.Item<Profile>(null!, "\"e1\""));

        Assert.True(await Store().DeleteAsync("p-1", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_NotFound_ReturnsFalse()
    {
        _container.Setup(c => c.DeleteItemAsync<Profile>("p-404", new PartitionKey("p-404"), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.NotFound));

        Assert.False(await Store().DeleteAsync("p-404", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_Throttled_Propagates()
    {
        _container.Setup(c => c.DeleteItemAsync<Profile>("p-1", new PartitionKey("p-1"), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.TooManyRequests));

        await Assert.ThrowsAsync<CosmosException>(() => Store().DeleteAsync("p-1", CancellationToken.None));
    }

    [Fact]
    public async Task GetManyAsync_SomeExist_ReadsManyEachInItsOwnPartitionAndReturnsDocumentsWithStoredETags()
    {
        IReadOnlyList<(string Id, PartitionKey Partition)>? asked = null;
        var tombstone = new Profile
        {
            Id = "p-1",
            CreatedAt = Now,
            UpdatedAt = Now,
            MergedInto = "p-9",
            Traits = { ["plan"] = new TraitValue(JsonSerializer.SerializeToElement("gold"), Now, "src_crm") },
        };
        _container.Setup(c => c.ReadManyItemsAsync<JsonElement>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), null, It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<(string, PartitionKey)>, ReadManyRequestOptions, CancellationToken>((keys, _, _) => asked = keys)
            .ReturnsAsync(CosmosMocks.Page([CosmosMocks.Stored(tombstone, "\"e1\"")], null));

        var read = await Store().GetManyAsync(["p-1", "p-404", "p-1"], CancellationToken.None);

        var found = Assert.Single(read);
        Assert.Equal("p-1", found.Key);
        Assert.Equal("\"e1\"", found.Value.ETag);
        Assert.Equal("p-9", found.Value.Value.MergedInto);
        Assert.Equal("gold", found.Value.Value.Traits["plan"].Value.GetString());
        Assert.Equal(Now, found.Value.Value.CreatedAt);
        Assert.Equal(["p-1", "p-404"], asked!.Select(k => k.Id));
        Assert.All(asked!, k => Assert.Equal(new PartitionKey(k.Id), k.Partition));
    }

    [Fact]
    public async Task GetManyAsync_NoIds_AsksNothing()
    {
        Assert.Empty(await Store().GetManyAsync([], CancellationToken.None));

        _container.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GetManyAsync_Throttled_Propagates()
    {
        _container.Setup(c => c.ReadManyItemsAsync<JsonElement>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.TooManyRequests));

        await Assert.ThrowsAsync<CosmosException>(() => Store().GetManyAsync(["p-1"], CancellationToken.None));
    }

    private CosmosProfileStore Store() => new(_container.Object);

    private static Profile NewProfile(string id) => new() { Id = id, CreatedAt = Now, UpdatedAt = Now };
}
