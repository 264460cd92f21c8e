using System.Net;
using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Privacy;

/// <summary>
/// The suppression list in the <c>privacy</c> container: one document <c>suppress:{key}</c> per entry, in its own
/// partition, so the ingest-path look-up is a single ReadMany of point reads.
/// </summary>
internal sealed class CosmosSuppressionList(Container container) : ISuppressionList
{
    internal const string ByRequestQuery = "SELECT * FROM c WHERE c.kind = 'suppression' AND c.requestId = @requestId";

    private const string IdPrefix = "suppress:";
    private const int MaxParallelWrites = 16;

    private static readonly ItemRequestOptions WriteOptions = new() { EnableContentResponseOnWrite = false };

    public async Task AddAsync(IReadOnlyCollection<SuppressionEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await Parallel.ForEachAsync(
            entries.DistinctBy(e => e.Key, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelWrites, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                var document = SuppressionDocument.From(entry);
                try
                {
                    await container.CreateItemAsync(document, new PartitionKey(document.Id), WriteOptions, ct);
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
                {
                    // Listed already: the first entry stays, so unsuppressing still finds the erasure that added it.
                }
            });
    }

    public async Task<IReadOnlyList<SuppressionEntry>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        var ids = keys.Distinct(StringComparer.Ordinal).Select(DocumentId).Select(id => (id, new PartitionKey(id))).ToList();
        var found = await container.ReadManyItemsAsync<SuppressionDocument>(ids, cancellationToken: cancellationToken);
        return found.Select(d => d.ToEntry()).ToList();
    }

    public async Task<IReadOnlyList<SuppressionEntry>> ListByRequestAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var query = new QueryDefinition(ByRequestQuery).WithParameter("@requestId", requestId);
        var found = await container.GetItemQueryIterator<SuppressionDocument>(query).ReadAllAsync(cancellationToken);
        return found.Select(d => d.ToEntry()).ToList();
    }

    public async Task<int> RemoveAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var removed = 0;
        await Parallel.ForEachAsync(
            keys.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelWrites, CancellationToken = cancellationToken },
            async (key, ct) =>
            {
                var id = DocumentId(key);
                try
                {
                    await container.DeleteItemAsync<SuppressionDocument>(id, new PartitionKey(id), WriteOptions, ct);
                    Interlocked.Increment(ref removed);
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    // Not listed: nothing to lift.
                }
            });
        return removed;
    }

    internal static string DocumentId(string key) => PrivacyDocumentKinds.SafeId(IdPrefix, key);
}

/// <summary>One suppression entry as stored. <c>key</c> is kept as well as the id, which may be its hash.</summary>
internal sealed record SuppressionDocument(string Id, string Kind, string Key, string RequestId, DateTimeOffset CreatedAt)
{
    public static SuppressionDocument From(SuppressionEntry entry) =>
        new(CosmosSuppressionList.DocumentId(entry.Key), PrivacyDocumentKinds.Suppression, entry.Key, entry.RequestId, entry.CreatedAt);

    public SuppressionEntry ToEntry() => new(Key, RequestId, CreatedAt);
}
