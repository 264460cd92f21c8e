using System.Text.Json;
using Cdp.Core;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Cosmos;

internal static class ContainerReadMany
{
    /// <summary>
    /// Items per ReadMany call. The SDK already turns one call into a query per physical partition of up to 1,000
    /// ids; cutting larger asks to that size keeps each response, and the memory it takes, bounded.
    /// </summary>
    public const int MaxItemsPerCall = 1_000;

    /// <summary>
    /// The items of a container partitioned by <c>/id</c> that exist among <paramref name="ids"/>, by id, each with the
    /// ETag Cosmos DB stores in it (<c>_etag</c>: ReadMany answers with items, not with per-item headers). Items are read
    /// as JSON and then deserialized with the client's own options, so they come out as a point read gives them.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, Versioned<T>>> ReadManyByIdAsync<T>(
        this Container container, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<string, Versioned<T>>(StringComparer.Ordinal);
        var keys = ids.Distinct(StringComparer.Ordinal).Select(id => (id, new PartitionKey(id))).ToList();
        foreach (var chunk in keys.Chunk(MaxItemsPerCall))
        {
            var response = await container.ReadManyItemsAsync<JsonElement>(chunk, cancellationToken: cancellationToken);
            foreach (var document in response)
            {
                var id = document.GetProperty("id").GetString()!;
                var etag = document.TryGetProperty("_etag", out var stored) && stored.GetString() is { Length: > 0 } value
                    ? value
                    : throw new InvalidDataException($"item {id} came back without its _etag, so it could not be written conditionally");
                var item = document.Deserialize<T>(CosmosClientFactory.SerializerOptions)
                    ?? throw new InvalidDataException($"item {id} deserialized to nothing");
                found[id] = new Versioned<T>(item, etag);
            }
        }

        return found;
    }
}
