using System.Net;
using System.Text.Json;
using Cdp.Azure.Privacy;
using Cdp.Core;
using Cdp.Core.Segments;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Segments;

/// <summary>Segments in the <c>segments</c> container (pk <c>/id</c> = the segment key): point reads, ETag-conditional writes.</summary>
internal sealed class CosmosSegmentStore(Container container) : ISegmentStore
{
    internal const string ListQuery = "SELECT * FROM c";

    private static readonly ItemRequestOptions CreateOptions = new() { EnableContentResponseOnWrite = false };

    public async Task<Versioned<SegmentDocument>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            var response = await container.ReadItemAsync<StoredSegment>(key, new PartitionKey(key), cancellationToken: cancellationToken);
            return new Versioned<SegmentDocument>(response.Resource.ToDocument(), response.ETag);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<SegmentDocument>> ListAsync(CancellationToken cancellationToken)
    {
        var found = await container.GetItemQueryIterator<StoredSegment>(new QueryDefinition(ListQuery)).ReadAllAsync(cancellationToken);
        return [.. found.Select(s => s.ToDocument()).OrderBy(s => s.Key, StringComparer.Ordinal)];
    }

    public async Task<string> CreateAsync(SegmentDocument segment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        try
        {
            var response = await container.CreateItemAsync(StoredSegment.From(segment), new PartitionKey(segment.Key), CreateOptions, cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConcurrencyConflictException($"segment {segment.Key} already exists");
        }
    }

    public async Task<string> ReplaceAsync(SegmentDocument segment, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            var response = await container.ReplaceItemAsync(StoredSegment.From(segment), segment.Key, new PartitionKey(segment.Key),
                new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false }, cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new ConcurrencyConflictException($"segment {segment.Key} changed since ETag {etag} was read");
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            await container.DeleteItemAsync<StoredSegment>(key, new PartitionKey(key), cancellationToken: cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}

/// <summary>A segment as stored: its key is the document id (and partition key).</summary>
internal sealed record StoredSegment(
    string Id, string Name, JsonElement Definition, IReadOnlyList<string> Destinations, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static StoredSegment From(SegmentDocument s) => new(s.Key, s.Name, s.Definition, s.Destinations, s.CreatedAt, s.UpdatedAt);

    public SegmentDocument ToDocument() => new(Id, Name, Definition, Destinations, CreatedAt, UpdatedAt);
}
