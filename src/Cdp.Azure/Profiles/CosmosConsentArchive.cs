using Cdp.Azure.Cosmos;
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

    private Task CreateAsync(PartitionKey partition, List<ConsentArchiveDocument> chunk, CancellationToken cancellationToken) =>
        PartitionCreates.CreateAsync<ConsentArchiveDocument, object>(
            container, partition, chunk, d => d.Id, null, n => $"Archiving {n} consent changes", cancellationToken);
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
