using System.Net;
using Cdp.Core.Segments;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Segments;

/// <summary>
/// Profile ids of <c>profiles</c> by feed range: each physical partition's range is a shard, so a refresh's activities
/// read disjoint parts of the container in parallel. Shard tokens are the ranges' JSON, continuations the SDK's.
/// </summary>
internal sealed class CosmosProfileScan(Container container) : IProfileScan
{
    internal const string IdsQuery = "SELECT VALUE c.id FROM c";

    public async Task<IReadOnlyList<string>> ListShardsAsync(CancellationToken cancellationToken) =>
        [.. (await container.GetFeedRangesAsync(cancellationToken)).Select(r => r.ToJsonString())];

    public async Task<ProfileScanPage> ReadAsync(string shard, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(shard);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        FeedRange range;
        try
        {
            range = FeedRange.FromJsonString(shard);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"\"{shard}\" is not a shard this scan listed", nameof(shard), e);
        }

        try
        {
            using var iterator = container.GetItemQueryIterator<string>(range, new QueryDefinition(IdsQuery), continuation,
                new QueryRequestOptions { MaxItemCount = pageSize });
            if (!iterator.HasMoreResults)
            {
                return new ProfileScanPage([], null);
            }

            var page = await iterator.ReadNextAsync(cancellationToken);
            return new ProfileScanPage([.. page], page.ContinuationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.BadRequest && continuation is not null)
        {
            throw new ArgumentException("the continuation token was not issued by this scan", nameof(continuation), e);
        }
    }
}
