using System.Net;
using System.Text;
using Cdp.Bench.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Tests.Cosmos;

// The benchmark's fake must count what an adapter sends and answer as Cosmos DB would; the typed calls are pinned
// by the port contracts (FakeCosmosContracts), these pin what no adapter uses yet.
public sealed class FakeCosmosTests
{
    [Fact]
    public async Task StreamCalls_CreateReadReplace_AnswerWithStatusAndETagAndAreCounted()
    {
        var cosmos = new FakeCosmos();
        var container = cosmos.Container("profiles");
        var pk = new PartitionKey("p-1");

        using var created = await container.CreateItemStreamAsync(Body("""{"id":"p-1","n":1}"""), pk);
        using var again = await container.CreateItemStreamAsync(Body("""{"id":"p-1","n":2}"""), pk);
        using var read = await container.ReadItemStreamAsync("p-1", pk);
        using var stale = await container.ReplaceItemStreamAsync(Body("""{"id":"p-1","n":3}"""), "p-1", pk, new ItemRequestOptions { IfMatchEtag = "\"old\"" });
        using var replaced = await container.ReplaceItemStreamAsync(Body("""{"id":"p-1","n":4}"""), "p-1", pk, new ItemRequestOptions { IfMatchEtag = created.Headers.ETag });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(created.Headers.ETag, read.Headers.ETag);
        Assert.Contains("\"n\":1", new StreamReader(read.Content).ReadToEnd(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.NotEqual(created.Headers.ETag, replaced.Headers.ETag);
        Assert.Equal(5, cosmos.Counts.Total);
    }

    [Fact]
    public async Task PatchAndBatch_ApplyAllOrNothing_EachCountedAsOneRequest()
    {
        var cosmos = new FakeCosmos();
        var container = cosmos.Container("events");
        var pk = new PartitionKey("p-1");
        using var first = await container.CreateTransactionalBatch(pk).CreateItem(new Item("e-1", 1)).CreateItem(new Item("e-2", 1)).ExecuteAsync();
        using var clash = await container.CreateTransactionalBatch(pk).CreateItem(new Item("e-3", 1)).CreateItem(new Item("e-1", 1)).ExecuteAsync();

        var patched = await container.PatchItemAsync<Item>("e-1", pk, [PatchOperation.Increment("/n", 2), PatchOperation.Set("/tag", "x")]);

        Assert.True(first.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        await Assert.ThrowsAsync<CosmosException>(() => container.ReadItemAsync<Item>("e-3", pk));
        Assert.Equal(3, patched.Resource.N);
        Assert.Equal(2, cosmos.Counts[CosmosOperation.Batch]);
        Assert.Equal(4, cosmos.Counts.BatchItems);
        Assert.Equal(1, cosmos.Counts[CosmosOperation.Patch]);
    }

    private static MemoryStream Body(string json) => new(Encoding.UTF8.GetBytes(json));

    private sealed record Item(string Id, int N);
}
