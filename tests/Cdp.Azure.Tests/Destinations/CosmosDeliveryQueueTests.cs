using System.Net;
using Cdp.Azure.Destinations;
using Cdp.Core.Destinations;
using Microsoft.Azure.Cosmos;
using Moq;
using Cdp.Core.Segments;

namespace Cdp.Azure.Tests.Destinations;

public sealed class CosmosDeliveryQueueTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Mock<Container> _container = new(MockBehavior.Strict);

    [Fact]
    public async Task EnqueueAsync_IdAlreadyKnown_LeavesItAndCreatesInTheDestinationPartitionUnderAHashedId()
    {
        var created = new List<(DeliveryDocument Document, PartitionKey? Partition)>();
        _container.Setup(c => c.CreateItemAsync(It.IsAny<DeliveryDocument>(), It.IsAny<PartitionKey?>(), It.IsAny<ItemRequestOptions>(), None))
            .Callback<DeliveryDocument, PartitionKey?, ItemRequestOptions, CancellationToken>((d, pk, _, _) => created.Add((d, pk)))
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.Conflict));

        await Queue().EnqueueAsync([Delivery("p-1")], None);

        var (document, partition) = Assert.Single(created);
        Assert.Equal(new PartitionKey("crm"), partition);
        Assert.Matches("^[0-9a-f]{64}$", document.Id);
        Assert.Equal((DeliveryStates.Queued, 0, "p-1"), (document.State, document.Attempts, document.ProfileId));
    }

    [Fact]
    public async Task LeaseDueAsync_AnotherPumpTookOneFirst_ReturnsOnlyThoseWhoseETagStillMatched()
    {
        var mine = DeliveryDocument.Queued(Delivery("p-1")) with { ETag = "e-1" };
        var theirs = DeliveryDocument.Queued(Delivery("p-2")) with { ETag = "e-2" };
        QueryRequestOptions? options = null;
        _container.Setup(c => c.GetItemQueryIterator<DeliveryDocument>(It.IsAny<QueryDefinition>(), null, It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((_, _, o) => options = o)
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page([mine, theirs], null)));
        var conditions = new List<string>();
        _container.Setup(c => c.ReplaceItemAsync(It.IsAny<DeliveryDocument>(), It.IsAny<string>(), new PartitionKey("crm"), It.IsAny<ItemRequestOptions>(), None))
            .Callback<DeliveryDocument, string, PartitionKey?, ItemRequestOptions, CancellationToken>((_, _, _, o, _) => conditions.Add(o.IfMatchEtag))
            .Returns<DeliveryDocument, string, PartitionKey?, ItemRequestOptions, CancellationToken>((d, id, _, o, _) => o.IfMatchEtag == "e-2"
                ? throw CosmosMocks.Error(HttpStatusCode.PreconditionFailed)
                : Task.FromResult((ItemResponse<DeliveryDocument>)null!));

        var leased = await Queue().LeaseDueAsync("crm", 10, Now, Now.AddMinutes(1), None);

        Assert.Equal(["e-1", "e-2"], conditions);
        var taken = Assert.Single(leased);
        Assert.Equal(("p-1", Now.AddMinutes(1)), (taken.Delivery.ProfileId, taken.LeasedUntil));
        Assert.Equal((new PartitionKey("crm"), 10), (options!.PartitionKey, options.MaxItemCount));
    }

    [Fact]
    public async Task MarkSentAsync_PatchesOnlyWhileStillQueued()
    {
        var delivery = Delivery("p-1");
        PatchItemRequestOptions? options = null;
        IReadOnlyList<PatchOperation>? operations = null;
        _container.Setup(c => c.PatchItemAsync<DeliveryDocument>(DeliveryDocument.IdOf(delivery.Id), new PartitionKey("crm"),
                It.IsAny<IReadOnlyList<PatchOperation>>(), It.IsAny<PatchItemRequestOptions>(), None))
            .Callback<string, PartitionKey, IReadOnlyList<PatchOperation>, PatchItemRequestOptions, CancellationToken>((_, _, ops, o, _) => (operations, options) = (ops, o))
            .ReturnsAsync((ItemResponse<DeliveryDocument>)null!);

        await Queue().MarkSentAsync("crm", [delivery.Id], Now, None);

        Assert.Equal("FROM c WHERE c.state = 'queued'", options!.FilterPredicate);
        Assert.Contains(operations!, o => o.Path == "/state" && o.OperationType == PatchOperationType.Set);
        Assert.Contains(operations!, o => o.Path == "/attempts" && o.OperationType == PatchOperationType.Increment);
    }

    [Fact]
    public async Task RedriveAsync_SomeIdsNoLongerDeadLettered_CountsOnlyThosePatched()
    {
        _container.SetupSequence(c => c.PatchItemAsync<DeliveryDocument>(It.IsAny<string>(), new PartitionKey("crm"),
                It.IsAny<IReadOnlyList<PatchOperation>>(), It.Is<PatchItemRequestOptions>(o => o.FilterPredicate == "FROM c WHERE c.state = 'deadLettered'"), None))
            .ReturnsAsync((ItemResponse<DeliveryDocument>)null!)
            .ThrowsAsync(CosmosMocks.Error(HttpStatusCode.PreconditionFailed));

        Assert.Equal(1, await Queue().RedriveAsync("crm", ["a", "b"], Now, None));
    }

    [Fact]
    public async Task DeleteByProfileAsync_DeletesEachDeliveryInItsDestinationPartition()
    {
        var deleted = new List<(string Id, PartitionKey Partition)>();
        _container.Setup(c => c.GetItemQueryIterator<CosmosDeliveryQueue.DeliveryKey>(It.IsAny<QueryDefinition>(), null, null))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page<CosmosDeliveryQueue.DeliveryKey>([new("d-1", "crm"), new("d-2", "ads")], null)));
        _container.Setup(c => c.DeleteItemAsync<DeliveryDocument>(It.IsAny<string>(), It.IsAny<PartitionKey>(), It.IsAny<ItemRequestOptions>(), None))
            .Callback<string, PartitionKey, ItemRequestOptions, CancellationToken>((id, pk, _, _) => deleted.Add((id, pk)))
            .Returns<string, PartitionKey, ItemRequestOptions, CancellationToken>((id, _, _, _) => id == "d-2"
                ? throw CosmosMocks.Error(HttpStatusCode.NotFound)
                : Task.FromResult((ItemResponse<DeliveryDocument>)null!));

        Assert.Equal(1, await Queue().DeleteByProfileAsync("p-1", None));
        Assert.Equal([("d-1", new PartitionKey("crm")), ("d-2", new PartitionKey("ads"))], deleted);
    }

    [Fact]
    public async Task ListDeadLettersAsync_PassesTheContinuationAndReadsOnePartition()
    {
        var dead = DeliveryDocument.Queued(Delivery("p-1")) with { State = DeliveryStates.DeadLettered, Reason = "HTTP 410", Attempts = 2 };
        QueryRequestOptions? options = null;
        string? token = null;
        _container.Setup(c => c.GetItemQueryIterator<DeliveryDocument>(It.IsAny<QueryDefinition>(), It.IsAny<string>(), It.IsAny<QueryRequestOptions>()))
            .Callback<QueryDefinition, string, QueryRequestOptions>((_, t, o) => (token, options) = (t, o))
            .Returns(CosmosMocks.Iterator(CosmosMocks.Page([dead], "next-page")));

        var page = await Queue().ListDeadLettersAsync("crm", 25, "this-page", None);

        Assert.Equal(("this-page", new PartitionKey("crm"), 25), (token, options!.PartitionKey, options.MaxItemCount));
        Assert.Equal("next-page", page.ContinuationToken);
        var letter = Assert.Single(page.Items);
        Assert.Equal(("HTTP 410", 2), (letter.Reason, letter.Attempts));
    }

    private CosmosDeliveryQueue Queue() => new(_container.Object);

    private static AudienceDelivery Delivery(string profileId) =>
        new($"vip:{profileId}:crm:1", "crm", "vip", "VIP", profileId, AudienceDeliveryKinds.Entered, Now);
}
