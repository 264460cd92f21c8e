using System.Net;
using Cdp.Azure.Privacy;
using Cdp.Core.Destinations;
using Microsoft.Azure.Cosmos;
using Cdp.Core.Segments;

namespace Cdp.Azure.Destinations;

/// <summary>
/// The delivery queue in the <c>deliveries</c> container, one partition per destination, so a pump's reads and writes
/// stay in its destination's partition. Enqueue creates (a conflict means the id is known: left as it is). A lease is a
/// replace conditional on the ETag read, so of two pumps that saw the same delivery only one takes it. State changes
/// are patches conditional on the state, so a late settle never revives a delivery erasure or another pump closed.
/// </summary>
internal sealed class CosmosDeliveryQueue(Container container) : IDeliveryQueue
{
    internal const string DueQuery =
        "SELECT * FROM c WHERE c.state = 'queued' AND c.dueAt <= @now AND c.leasedUntil <= @now ORDER BY c.dueAt";

    internal const string DeadLettersQuery = "SELECT * FROM c WHERE c.state = 'deadLettered' ORDER BY c.updatedAt";

    internal const string CountQuery = "SELECT VALUE COUNT(1) FROM c WHERE c.state = @state";

    internal const string ByProfileQuery = "SELECT c.id, c.destination FROM c WHERE c.profileId = @profile";

    private const string QueuedFilter = "FROM c WHERE c.state = 'queued'";
    private const string DeadFilter = "FROM c WHERE c.state = 'deadLettered'";

    private static readonly ItemRequestOptions NoContent = new() { EnableContentResponseOnWrite = false };

    public async Task EnqueueAsync(IReadOnlyList<AudienceDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        foreach (var delivery in deliveries)
        {
            try
            {
                await container.CreateItemAsync(DeliveryDocument.Queued(delivery), new PartitionKey(delivery.Destination), NoContent, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                // Queued, sent, dropped or dead-lettered before: idempotent by id.
            }
        }
    }

    public async Task<IReadOnlyList<QueuedDelivery>> LeaseDueAsync(
        string destination, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(DueQuery).WithParameter("@now", now.ToUnixTimeMilliseconds());
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(destination), MaxItemCount = max };
        using var iterator = container.GetItemQueryIterator<DeliveryDocument>(query, null, options);
        var due = iterator.HasMoreResults ? (await iterator.ReadNextAsync(cancellationToken)).Take(max).ToList() : [];
        var leased = new List<QueuedDelivery>(due.Count);
        foreach (var document in due)
        {
            var taken = document with { LeasedUntil = leaseUntil.ToUnixTimeMilliseconds() };
            try
            {
                await container.ReplaceItemAsync(taken with { ETag = null }, document.Id, new PartitionKey(destination),
                    new ItemRequestOptions { IfMatchEtag = document.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
                leased.Add(taken.ToQueued());
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                // Another pump took it first, or erasure deleted it.
            }
        }

        return leased;
    }

    public Task MarkSentAsync(string destination, IReadOnlyCollection<string> ids, DateTimeOffset at, CancellationToken cancellationToken) =>
        PatchAsync(destination, ids, QueuedFilter, Close(DeliveryStates.Sent, null, at, counted: true), cancellationToken);

    public Task DeadLetterAsync(string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        PatchAsync(destination, ids, QueuedFilter, Close(DeliveryStates.DeadLettered, reason, at, counted: true), cancellationToken);

    public Task DropAsync(string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        PatchAsync(destination, ids, QueuedFilter, Close(DeliveryStates.Dropped, reason, at, counted: false), cancellationToken);

    public Task RecordFailureAsync(
        string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        PatchAsync(destination, ids, QueuedFilter,
        [
            PatchOperation.Increment("/attempts", 1),
            PatchOperation.Set("/reason", reason),
            PatchOperation.Set("/dueAt", nextAttemptAt.ToUnixTimeMilliseconds()),
            PatchOperation.Set("/leasedUntil", 0L),
        ], cancellationToken);

    public async Task<DeadLetterPage> ListDeadLettersAsync(string destination, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(destination), MaxItemCount = pageSize };
        using var iterator = container.GetItemQueryIterator<DeliveryDocument>(new QueryDefinition(DeadLettersQuery), continuationToken, options);
        if (!iterator.HasMoreResults)
        {
            return new DeadLetterPage([], null);
        }

        FeedResponse<DeliveryDocument> page;
        try
        {
            page = await iterator.ReadNextAsync(cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.BadRequest && continuationToken is not null)
        {
            throw new ArgumentException("the continuation token was not issued by this store", nameof(continuationToken), e);
        }

        return new DeadLetterPage(page.Select(d => d.ToQueued()).ToList(), page.ContinuationToken);
    }

    public async Task<int> RedriveAsync(string destination, IReadOnlyCollection<string>? ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var targets = ids is { Count: > 0 }
            ? ids.Distinct(StringComparer.Ordinal).Select(DeliveryDocument.IdOf).ToList()
            : (await container.GetItemQueryIterator<DeliveryDocument>(new QueryDefinition(DeadLettersQuery), null,
                new QueryRequestOptions { PartitionKey = new PartitionKey(destination) }).ReadAllAsync(cancellationToken)).Select(d => d.Id).ToList();
        var at = now.ToUnixTimeMilliseconds();
        return await PatchDocumentsAsync(destination, targets, DeadFilter,
        [
            PatchOperation.Set("/state", DeliveryStates.Queued),
            PatchOperation.Set("/attempts", 0),
            PatchOperation.Set("/dueAt", at),
            PatchOperation.Set("/leasedUntil", 0L),
            PatchOperation.Set("/updatedAt", at),
        ], cancellationToken);
    }

    public async Task<DeliveryCounts> CountAsync(string destination, CancellationToken cancellationToken) =>
        new(await CountAsync(destination, DeliveryStates.Queued, cancellationToken), await CountAsync(destination, DeliveryStates.DeadLettered, cancellationToken));

    public async Task<int> DeleteByProfileAsync(string profileId, CancellationToken cancellationToken)
    {
        // Cross-partition: erasure is rare, and a profile has few deliveries.
        var query = new QueryDefinition(ByProfileQuery).WithParameter("@profile", profileId);
        var found = await container.GetItemQueryIterator<DeliveryKey>(query).ReadAllAsync(cancellationToken);
        var deleted = 0;
        foreach (var key in found)
        {
            try
            {
                await container.DeleteItemAsync<DeliveryDocument>(key.Id, new PartitionKey(key.Destination), NoContent, cancellationToken);
                deleted++;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }

        return deleted;
    }

    private async Task<long> CountAsync(string destination, string state, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(CountQuery).WithParameter("@state", state);
        var counts = await container.GetItemQueryIterator<long>(query, null, new QueryRequestOptions { PartitionKey = new PartitionKey(destination) })
            .ReadAllAsync(cancellationToken);
        return counts.Sum();
    }

    private static PatchOperation[] Close(string state, string? reason, DateTimeOffset at, bool counted) =>
    [
        PatchOperation.Set("/state", state),
        PatchOperation.Increment("/attempts", counted ? 1 : 0),
        PatchOperation.Set("/reason", reason),
        PatchOperation.Set("/updatedAt", at.ToUnixTimeMilliseconds()),
        PatchOperation.Set("/leasedUntil", 0L),
    ];

    private Task<int> PatchAsync(string destination, IReadOnlyCollection<string> ids, string filter, PatchOperation[] operations, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return PatchDocumentsAsync(destination, ids.Select(DeliveryDocument.IdOf).ToList(), filter, operations, ct);
    }

    /// <summary>Patches each document whose state still matches <paramref name="filter"/>; returns how many were.</summary>
    private async Task<int> PatchDocumentsAsync(string destination, List<string> documentIds, string filter, PatchOperation[] operations, CancellationToken ct)
    {
        var options = new PatchItemRequestOptions { FilterPredicate = filter, EnableContentResponseOnWrite = false };
        var patched = 0;
        foreach (var id in documentIds)
        {
            try
            {
                await container.PatchItemAsync<DeliveryDocument>(id, new PartitionKey(destination), operations, options, ct);
                patched++;
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                // No longer in that state (settled by another pump, redriven already) or erased.
            }
        }

        return patched;
    }

    internal sealed record DeliveryKey(string Id, string Destination);
}
