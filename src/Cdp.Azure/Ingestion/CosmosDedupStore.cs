using System.Net;
using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Ingestion;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// Processed messageIds in the <c>dedup</c> container (partition key <c>/id</c>), each expiring through its own
/// <c>ttl</c>. The container must have TTL switched on (default time to live -1) or entries never expire.
/// </summary>
internal sealed class CosmosDedupStore(Container container, TimeProvider time) : IDedupStore
{
    private const int MaxParallelWrites = 16;

    private static readonly ItemRequestOptions WriteOptions = new() { EnableContentResponseOnWrite = false };

    public async Task<IReadOnlySet<string>> FindProcessedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var keys = messageIds.Distinct(StringComparer.Ordinal).Select(m => DocumentId(m)).Select(id => (id, new PartitionKey(id))).ToList();
        var found = await container.ReadManyItemsAsync<DedupEntry>(keys, cancellationToken: cancellationToken);

        // Cosmos DB deletes expired items in the background; the window is what counts, not the cleanup.
        var now = time.GetUtcNow();
        return found.Where(e => e.ExpiresAt > now).Select(e => e.MessageId).ToHashSet(StringComparer.Ordinal);
    }

    public async Task MarkProcessedAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var ttl = Math.Ceiling((expiresAt - time.GetUtcNow()).TotalSeconds);
        if (ttl < 1)
        {
            // Already outside the window: there is nothing to remember.
            return;
        }

        var seconds = (int)Math.Min(ttl, int.MaxValue);
        await Parallel.ForEachAsync(
            messageIds.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelWrites, CancellationToken = cancellationToken },
            async (messageId, ct) =>
            {
                var entry = new DedupEntry(DocumentId(messageId), messageId, expiresAt, seconds);
                await container.UpsertItemAsync(entry, new PartitionKey(entry.Id), WriteOptions, ct);
            });
    }

    /// <summary>Deletes the messageIds' entries (erasure); returns how many were recorded, expired or not.</summary>
    public async Task<int> ForgetAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var forgotten = 0;
        await Parallel.ForEachAsync(
            messageIds.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelWrites, CancellationToken = cancellationToken },
            async (messageId, ct) =>
            {
                var id = DocumentId(messageId);
                try
                {
                    await container.DeleteItemAsync<DedupEntry>(id, new PartitionKey(id), WriteOptions, ct);
                    Interlocked.Increment(ref forgotten);
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    // Never recorded, or its time to live already removed it.
                }
            });
        return forgotten;
    }

    /// <summary>
    /// The document id is a hash: messageIds come from clients and may hold characters ('/', '\', '?', '#') or
    /// lengths Cosmos DB ids do not allow.
    /// </summary>
    internal static string DocumentId(string messageId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));
}

/// <summary>One processed message. <c>ttl</c> (seconds) is the Cosmos DB per-item expiry.</summary>
internal sealed record DedupEntry(string Id, string MessageId, DateTimeOffset ExpiresAt, int Ttl);
