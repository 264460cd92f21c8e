using System.Net;
using Cdp.Azure.Cosmos;
using Cdp.Core;
using Cdp.Core.Identity;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Identity;

/// <summary>Identity links in the <c>identities</c> container (partition key <c>/id</c>, id = type:keyed hash).</summary>
internal sealed class CosmosIdentityIndex(Container container) : IIdentityIndex
{
    private static readonly ItemRequestOptions CreateOptions = new() { EnableContentResponseOnWrite = false };

    public async Task<Versioned<IdentityLink>?> GetAsync(string identityId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityId);
        try
        {
            var response = await container.ReadItemAsync<IdentityLink>(identityId, new PartitionKey(identityId), cancellationToken: cancellationToken);
            return new Versioned<IdentityLink>(response.Resource, response.ETag);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>One ReadMany call for every <see cref="ContainerReadMany.MaxItemsPerCall"/> ids (one for a batch), not a point read each.</summary>
    public Task<IReadOnlyDictionary<string, Versioned<IdentityLink>>> GetManyAsync(IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken) =>
        container.ReadManyByIdAsync<IdentityLink>(identityIds, cancellationToken);

    public async Task<bool> DeleteAsync(string identityId, string? etag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityId);
        try
        {
            await container.DeleteItemAsync<IdentityLink>(identityId, new PartitionKey(identityId),
                etag is null ? null : new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    public async Task<bool> TryCreateAsync(IdentityLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        try
        {
            await container.CreateItemAsync(link, new PartitionKey(link.Id), CreateOptions, cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public async Task<string> ReplaceAsync(IdentityLink link, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            var response = await container.ReplaceItemAsync(
                link,
                link.Id,
                new PartitionKey(link.Id),
                new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false },
                cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new ConcurrencyConflictException($"identity {link.Id} changed since ETag {etag} was read");
        }
    }
}
