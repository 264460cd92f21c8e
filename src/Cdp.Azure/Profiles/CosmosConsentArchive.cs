using System.Net;
using Cdp.Azure.Privacy;
using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Profiles;

/// <summary>
/// Archived consent changes in the <c>events</c> container, in the profile's own partition (<c>/profileId</c>) beside its
/// timeline: id <c>consent:{entry id}</c>, told apart from timeline events by <c>"kind": "consentHistory"</c>, and
/// <c>"ttl": -1</c> so the container's default TTL (the timeline's retention) never expires them. Deleting the partition
/// (erasure, a merge moving the timeline) takes them along, so merges copy them first.
/// </summary>
internal sealed class CosmosConsentArchive(Container container) : IConsentArchive
{
    internal const string Kind = "consentHistory";
    internal const string IdPrefix = "consent:";

    /// <summary>The most operations Cosmos DB accepts in one transactional batch.</summary>
    internal const int MaxBatchOperations = 100;

    internal const string AllQuery = "SELECT * FROM c WHERE c.kind = 'consentHistory'";
    internal const string AllIdsQuery = "SELECT VALUE c.id FROM c WHERE c.kind = 'consentHistory'";
    internal const string ExistingIdsQuery = "SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.id)";

    /// <summary>Rounds of "some already exist, write the rest" before a batch is given up on (each round needs a new writer racing us).</summary>
    private const int MaxConflictRounds = 3;

    private static readonly TransactionalBatchItemRequestOptions WriteOptions = new() { EnableContentResponseOnWrite = false };

    /// <summary>Creates the entries not stored yet, in batches of at most 100; an entry stored already is left as it is.</summary>
    public async Task AppendAsync(string profileId, IReadOnlyList<ConsentHistoryEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileId);
        ArgumentNullException.ThrowIfNull(entries);

        // A batch may not touch one id twice.
        var documents = entries.Select(e => ConsentArchiveDocument.From(profileId, e)).DistinctBy(d => d.Id, StringComparer.Ordinal).ToList();
        var partition = new PartitionKey(profileId);
        for (var start = 0; start < documents.Count; start += MaxBatchOperations)
        {
            await CreateAsync(partition, documents.GetRange(start, Math.Min(MaxBatchOperations, documents.Count - start)), cancellationToken);
        }
    }

    public async Task<IReadOnlyList<ConsentHistoryEntry>> ListAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileId);
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(profileId) };
        var documents = await container.GetItemQueryIterator<ConsentArchiveDocument>(new QueryDefinition(AllQuery), null, options)
            .ReadAllAsync(cancellationToken);

        // Sorted here rather than by the query: no composite index is needed, and a profile's archive is read whole anyway.
        return ConsentArchiveIds.Ordered(profileId, documents.Select(d => d.ToEntry())).ToList();
    }

    /// <summary>Deletes the profile's archived entries one by one (never the partition: the timeline lives there too).</summary>
    public async Task<int> DeleteAllAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileId);
        var partition = new PartitionKey(profileId);
        var ids = await container.GetItemQueryIterator<string>(new QueryDefinition(AllIdsQuery), null, new QueryRequestOptions { PartitionKey = partition })
            .ReadAllAsync(cancellationToken);
        var deleted = 0;
        foreach (var id in ids)
        {
            using var response = await container.DeleteItemStreamAsync(id, partition, cancellationToken: cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                deleted++;
            }
            else if (response.StatusCode != HttpStatusCode.NotFound)
            {
                // Not found: deleted by a concurrent run (or the partition went with the timeline); anything else is a fault.
                response.EnsureSuccessStatusCode();
            }
        }

        return deleted;
    }

    private async Task CreateAsync(PartitionKey partition, List<ConsentArchiveDocument> chunk, CancellationToken cancellationToken)
    {
        for (var round = 1; chunk.Count > 0; round++)
        {
            var batch = container.CreateTransactionalBatch(partition);
            foreach (var document in chunk)
            {
                batch.CreateItem(document, WriteOptions);
            }

            using var response = await batch.ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (response.StatusCode == HttpStatusCode.Conflict && round < MaxConflictRounds)
            {
                // Archived already (a retried write, a merge copied again). The batch is atomic, so nothing was written:
                // look up which ids exist and create the rest.
                var query = new QueryDefinition(ExistingIdsQuery).WithParameter("@ids", chunk.ConvertAll(d => d.Id));
                var existing = (await container.GetItemQueryIterator<string>(query, null, new QueryRequestOptions { PartitionKey = partition })
                    .ReadAllAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
                chunk = chunk.FindAll(d => !existing.Contains(d.Id));
                continue;
            }

            if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge && chunk.Count > 1)
            {
                var half = chunk.Count / 2;
                await CreateAsync(partition, chunk.GetRange(0, half), cancellationToken);
                await CreateAsync(partition, chunk.GetRange(half, chunk.Count - half), cancellationToken);
                return;
            }

            throw new CosmosException(
                $"Archiving {chunk.Count} consent changes failed: {response.ErrorMessage}",
                response.StatusCode,
                0,
                response.ActivityId,
                response.RequestCharge);
        }
    }
}

/// <summary>One archived consent change as stored in the <c>events</c> container.</summary>
internal sealed record ConsentArchiveDocument(
    string Id, string ProfileId, string Kind, int Ttl, string Purpose, bool Granted, DateTimeOffset At, string Source, string? MessageId)
{
    /// <summary>Per-item TTL meaning "never expires", whatever the container's default.</summary>
    public const int NeverExpires = -1;

    public static ConsentArchiveDocument From(string profileId, ConsentHistoryEntry entry) => new(
        CosmosConsentArchive.IdPrefix + ConsentArchiveIds.EntryId(profileId, entry), profileId, CosmosConsentArchive.Kind, NeverExpires,
        entry.Purpose, entry.Granted, entry.At, entry.Source, entry.MessageId);

    public ConsentHistoryEntry ToEntry() => new(Purpose, Granted, At, Source, MessageId);
}
