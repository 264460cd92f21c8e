using System.Collections.Concurrent;
using Cdp.Azure.Ingestion;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cdp.Azure.Tests.Ingestion;

public sealed class CosmosDedupStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task MarkProcessedAsync_TwoDayWindow_UpsertsEachMessageWithTtlInSecondsInItsOwnPartition()
    {
        var written = new ConcurrentBag<(DedupEntry Entry, PartitionKey? Partition)>();
        _container.Setup(c => c.UpsertItemAsync(It.IsAny<DedupEntry>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<DedupEntry, PartitionKey?, ItemRequestOptions, CancellationToken>((e, pk, _, _) => written.Add((e, pk)))
            .ReturnsAsync((ItemResponse<DedupEntry>)null!);

        await Store().MarkProcessedAsync(["m-1", "m-2", "m-1"], _time.GetUtcNow().AddHours(48), CancellationToken.None);

        Assert.Equal(["m-1", "m-2"], written.Select(w => w.Entry.MessageId).Order());
        Assert.All(written, w =>
        {
            Assert.Equal(172_800, w.Entry.Ttl);
            Assert.Equal(new PartitionKey(w.Entry.Id), w.Partition);
        });
    }

    [Fact]
    public async Task MarkProcessedAsync_ExpiryAlreadyPassed_WritesNothing()
    {
        await Store().MarkProcessedAsync(["m-1"], _time.GetUtcNow().AddSeconds(-1), CancellationToken.None);

        _container.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task FindProcessedAsync_ReadsManyByIdAndPartitionAndIgnoresExpiredEntries()
    {
        IReadOnlyList<(string Id, PartitionKey Partition)>? asked = null;
        var now = _time.GetUtcNow();
        IReadOnlyList<DedupEntry> stored =
        [
            new(CosmosDedupStore.DocumentId("m-1"), "m-1", now.AddHours(1), 3600),
            new(CosmosDedupStore.DocumentId("m-2"), "m-2", now.AddSeconds(-5), 1),
        ];
        _container.Setup(c => c.ReadManyItemsAsync<DedupEntry>(It.IsAny<IReadOnlyList<(string, PartitionKey)>>(), null, It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<(string, PartitionKey)>, ReadManyRequestOptions, CancellationToken>((keys, _, _) => asked = keys)
            .ReturnsAsync(CosmosMocks.Page(stored, null));

        var found = await Store().FindProcessedAsync(["m-1", "m-2", "m-3"], CancellationToken.None);

        Assert.Equal(["m-1"], found);
        Assert.Equal(3, asked!.Count);
        Assert.All(asked, k => Assert.Equal(new PartitionKey(k.Id), k.Partition));
    }

    [Fact]
    public async Task FindProcessedAsync_NoIds_AsksNothing()
    {
        Assert.Empty(await Store().FindProcessedAsync([], CancellationToken.None));

        _container.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("why?#")]
    [InlineData("back\\slash")]
    public void DocumentId_MessageIdWithCharactersCosmosForbids_IsSafeAndStable(string messageId)
    {
        var id = CosmosDedupStore.DocumentId(messageId);

        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Equal(id, CosmosDedupStore.DocumentId(messageId));
    }

    [Fact]
    public async Task ForgetAsync_RecordedAndUnknown_DeletesEachHashedIdInItsPartitionAndCountsTheRecorded()
    {
        var deleted = new ConcurrentBag<(string Id, PartitionKey Partition)>();
        _container.Setup(c => c.DeleteItemAsync<DedupEntry>(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .Callback<string, PartitionKey, ItemRequestOptions, CancellationToken>((id, pk, _, _) => deleted.Add((id, pk)))
            .ReturnsAsync((ItemResponse<DedupEntry>)null!);
        _container.Setup(c => c.DeleteItemAsync<DedupEntry>(CosmosDedupStore.DocumentId("m-unknown"), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(System.Net.HttpStatusCode.NotFound));

        var forgotten = await Store().ForgetAsync(["m-1", "m-unknown", "m-1"], CancellationToken.None);

        Assert.Equal(1, forgotten);
        var (id, partition) = Assert.Single(deleted);
        Assert.Equal(CosmosDedupStore.DocumentId("m-1"), id);
        Assert.Equal(new PartitionKey(id), partition);
    }

    [Fact]
    public async Task ForgetAsync_Throttled_Propagates()
    {
        _container.Setup(c => c.DeleteItemAsync<DedupEntry>(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(CosmosMocks.Error(System.Net.HttpStatusCode.TooManyRequests));

        await Assert.ThrowsAsync<CosmosException>(() => Store().ForgetAsync(["m-1"], CancellationToken.None));
    }

    private CosmosDedupStore Store() => new(_container.Object, _time);
}
