using System.Net;
using Cdp.Azure.Cosmos;
using Cdp.Core;
using Cdp.Core.Profiles;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Profiles;

/// <summary>Profiles in the <c>profiles</c> container (partition key <c>/id</c>): point reads and ETag-conditional writes.</summary>
internal sealed class CosmosProfileStore(Container container) : IProfileStore
{
    // The caller keeps the document it wrote; only the new ETag is needed back.
    private static readonly ItemRequestOptions CreateOptions = new() { EnableContentResponseOnWrite = false };

    public async Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        try
        {
            var response = await container.ReadItemAsync<Profile>(id, new PartitionKey(id), cancellationToken: cancellationToken);
            return new Versioned<Profile>(response.Resource, response.ETag);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>One ReadMany call for every <see cref="ContainerReadMany.MaxItemsPerCall"/> ids (one for a batch), not a point read each.</summary>
    public Task<IReadOnlyDictionary<string, Versioned<Profile>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        container.ReadManyByIdAsync<Profile>(ids, cancellationToken);

    public async Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        try
        {
            var response = await container.CreateItemAsync(profile, new PartitionKey(profile.Id), CreateOptions, cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConcurrencyConflictException($"profile {profile.Id} already exists");
        }
    }

    /// <summary>Deletes the profile document (erasure); false when there was none.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        try
        {
            await container.DeleteItemAsync<Profile>(id, new PartitionKey(id), cancellationToken: cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            var response = await container.ReplaceItemAsync(
                profile,
                profile.Id,
                new PartitionKey(profile.Id),
                new ItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false },
                cancellationToken);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            // Deleted since it was read is a lost race too: the caller re-reads and decides again.
            throw new ConcurrencyConflictException($"profile {profile.Id} changed since ETag {etag} was read");
        }
    }
}
