using Cdp.Azure.Cosmos;
using System.Net;
using Cdp.Core.Profiles;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Profiles;

/// <summary>
/// Timelines in the <c>events</c> container (partition key <c>/profileId</c>, id = messageId). A profile's events
/// share one partition, so they are written in transactional batches and paged by a single-partition query.
/// The container needs a composite index on (timestamp DESC, id DESC) for the paging query.
/// Beside the events, in the same partition, one <see cref="RawBlobReference"/> item per raw archive file holding
/// them (ADR 0016), written in the batch that writes the events and kept out of every timeline query by its
/// <c>kind</c>, which events never have.
/// </summary>
internal sealed class CosmosTimelineStore(Container container) : ITimelineStore
{
    /// <summary>The most operations Cosmos DB accepts in one transactional batch.</summary>
    internal const int MaxBatchOperations = 100;

    /// <summary>Newest first; the id breaks ties so pages never overlap or skip. References have a kind, events none.</summary>
    internal const string NewestFirstQuery = "SELECT * FROM c WHERE NOT IS_DEFINED(c.kind) ORDER BY c.timestamp DESC, c.id DESC";

    internal const string RawBlobsQuery = "SELECT VALUE c.rawBlob FROM c WHERE c.kind = @kind";

    /// <summary>
    /// Creates the events not stored yet; an event already on the timeline is left exactly as it is. The reference
    /// rides in the first batch (an upsert, so a redelivery cannot conflict on it): no request of its own.
    /// </summary>
    public async Task AppendAsync(string profileId, IReadOnlyList<TimelineEvent> events, string? rawBlob, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileId);
        ArgumentNullException.ThrowIfNull(events);

        // A batch may not touch one id twice; the first copy wins, as it does across calls.
        var byId = new Dictionary<string, TimelineEvent>(events.Count, StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!string.Equals(e.ProfileId, profileId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"event {e.Id} belongs to profile {e.ProfileId}, not {profileId}", nameof(events));
            }

            byId.TryAdd(e.Id, ToStored(e));
        }

        var all = byId.Values.ToList();
        var partition = new PartitionKey(profileId);
        var reference = rawBlob is null ? null : RawBlobReference.For(profileId, rawBlob);

        // With a reference, the first batch holds one event fewer: n events and a reference take ceil((n + 1) / 100) batches.
        var first = Math.Min(all.Count, reference is null ? MaxBatchOperations : MaxBatchOperations - 1);
        if (first > 0 || reference is not null)
        {
            await CreateAsync(partition, all.GetRange(0, first), reference, cancellationToken);
        }

        for (var start = first; start < all.Count; start += MaxBatchOperations)
        {
            await CreateAsync(partition, all.GetRange(start, Math.Min(MaxBatchOperations, all.Count - start)), null, cancellationToken);
        }
    }

    /// <summary>One single-partition query; a profile has a reference per batch it appeared in, so few pages.</summary>
    public async Task<IReadOnlyList<string>> ListRawBlobsAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileId);
        var query = new QueryDefinition(RawBlobsQuery).WithParameter("@kind", RawBlobReference.RawBlobKind);
        var blobs = new SortedSet<string>(StringComparer.Ordinal);
        using var iterator = container.GetItemQueryIterator<string>(query, null, new QueryRequestOptions { PartitionKey = new PartitionKey(profileId) });
        while (iterator.HasMoreResults)
        {
            blobs.UnionWith(await iterator.ReadNextAsync(cancellationToken));
        }

        return [.. blobs];
    }

    /// <summary>Drops the profile's whole partition, references included, in one server-side operation.</summary>
    public async Task DeleteAllAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileId);
        using var response = await container.DeleteAllItemsByPartitionKeyStreamAsync(new PartitionKey(profileId), cancellationToken: cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    public async Task<TimelinePage> GetPageAsync(string profileId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileId);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);

        var events = new List<TimelineEvent>(Math.Min(pageSize, 1000));
        var token = continuationToken;
        try
        {
            do
            {
                // A query page may come back short of MaxItemCount; keep reading so callers get full pages.
                var options = new QueryRequestOptions { PartitionKey = new PartitionKey(profileId), MaxItemCount = pageSize - events.Count };
                using var iterator = container.GetItemQueryIterator<TimelineEvent>(new QueryDefinition(NewestFirstQuery), token, options);
                if (!iterator.HasMoreResults)
                {
                    token = null;
                    break;
                }

                var response = await iterator.ReadNextAsync(cancellationToken);
                events.AddRange(response);
                token = response.ContinuationToken;
            }
            while (token is not null && events.Count < pageSize);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.BadRequest && continuationToken is not null && events.Count == 0)
        {
            // Tokens travel through clients; one that Cosmos DB cannot parse is the caller's mistake, not a fault.
            throw new ArgumentException("The continuation token was not issued by this timeline.", nameof(continuationToken), e);
        }

        return new TimelinePage(events, token);
    }

    private Task CreateAsync(PartitionKey partition, List<TimelineEvent> chunk, RawBlobReference? reference, CancellationToken cancellationToken) =>
        PartitionCreates.CreateAsync(container, partition, chunk, e => e.Id, reference, n => $"Writing {n} timeline events", cancellationToken);

    /// <summary>
    /// A raw archive file holding some of the profile's events. Cosmos DB ids may not contain '/', so the path's
    /// slashes become '|' (archive paths never hold one); <c>ttl</c> -1 keeps it past the container's default time to
    /// live (the timeline's retention): the file outlives the events, and erasure must still find it.
    /// </summary>
    internal sealed record RawBlobReference(string Id, string ProfileId, string RawBlob)
    {
        public const string RawBlobKind = "rawBlob";

        /// <summary>The discriminator: events have no <c>kind</c>, so timeline queries keep to items without one.</summary>
        public string Kind { get; init; } = RawBlobKind;

        public int Ttl { get; init; } = -1;

        public static RawBlobReference For(string profileId, string rawBlob)
        {
            ArgumentException.ThrowIfNullOrEmpty(rawBlob);
            if (rawBlob.AsSpan().IndexOfAny("\\?#|") >= 0)
            {
                throw new ArgumentException($"'{rawBlob}' cannot name a Cosmos DB item", nameof(rawBlob));
            }

            return new RawBlobReference("rawblob:" + rawBlob.Replace('/', '|'), profileId, rawBlob);
        }
    }

    /// <summary>ORDER BY compares the ISO 8601 strings, which sort by instant only when every offset is the same: store UTC.</summary>
    private static TimelineEvent ToStored(TimelineEvent e) =>
        e.Timestamp.Offset == TimeSpan.Zero ? e : e with { Timestamp = e.Timestamp.ToUniversalTime() };
}
