using System.Net;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Cosmos;

/// <summary>
/// Creates items of one partition in a transactional batch and leaves those that exist already as they are (a retried
/// write, a redelivered batch): the timeline's events and the consent archive's entries. An item to upsert can ride
/// along, so it costs no request of its own.
/// </summary>
internal static class PartitionCreates
{
    /// <summary>Rounds of "some already exist, write the rest" before a batch is given up on (each round needs a new writer racing this one).</summary>
    private const int MaxConflictRounds = 3;

    private const string ExistingIdsQuery = "SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.id)";

    private static readonly TransactionalBatchItemRequestOptions WriteOptions = new() { EnableContentResponseOnWrite = false };

    /// <param name="items">At most a batch's worth (100 operations, with <paramref name="upsert"/>).</param>
    /// <param name="describe">What the items are, for the error, given how many: "Writing 12 timeline events".</param>
    public static async Task CreateAsync<T, TUpsert>(
        Container container, PartitionKey partition, List<T> items, Func<T, string> idOf, TUpsert? upsert,
        Func<int, string> describe, CancellationToken cancellationToken)
        where TUpsert : class
    {
        for (var round = 1; items.Count > 0 || upsert is not null; round++)
        {
            var batch = container.CreateTransactionalBatch(partition);
            foreach (var item in items)
            {
                batch.CreateItem(item, WriteOptions);
            }

            if (upsert is not null)
            {
                batch.UpsertItem(upsert, WriteOptions);
            }

            using var response = await batch.ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (response.StatusCode == HttpStatusCode.Conflict && round < MaxConflictRounds)
            {
                // Some items are stored already. The batch is atomic, so nothing was written; look up which ids exist
                // (one query, not one round trip per item) and create the rest.
                var existing = await ExistingIdsAsync(container, partition, items.ConvertAll(i => idOf(i)), cancellationToken);
                items = items.FindAll(i => !existing.Contains(idOf(i)));
                continue;
            }

            if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge && items.Count > 1)
            {
                // 100 items of up to 32 KB can pass the 2 MB batch limit; two halves carry the same items.
                var half = items.Count / 2;
                await CreateAsync(container, partition, items.GetRange(0, half), idOf, upsert, describe, cancellationToken);
                await CreateAsync<T, TUpsert>(container, partition, items.GetRange(half, items.Count - half), idOf, null, describe, cancellationToken);
                return;
            }

            throw new CosmosException(
                $"{describe(items.Count)} failed: {response.ErrorMessage}",
                response.StatusCode,
                0,
                response.ActivityId,
                response.RequestCharge);
        }
    }

    private static async Task<HashSet<string>> ExistingIdsAsync(Container container, PartitionKey partition, List<string> ids, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(ExistingIdsQuery).WithParameter("@ids", ids);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        using var iterator = container.GetItemQueryIterator<string>(query, null, new QueryRequestOptions { PartitionKey = partition });
        while (iterator.HasMoreResults)
        {
            existing.UnionWith(await iterator.ReadNextAsync(cancellationToken));
        }

        return existing;
    }
}
