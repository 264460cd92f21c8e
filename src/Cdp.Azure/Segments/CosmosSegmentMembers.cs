using System.Net;
using Cdp.Azure.Privacy;
using Cdp.Core.Segments;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Segments;

/// <summary>
/// The members index in <c>segmentMembers</c> (pk <c>/segmentKey</c>, id = profile id): a segment's count and pages are
/// single-partition queries; a profile's rows (reconciliation, tombstones) are found with one cross-partition query.
/// </summary>
internal sealed class CosmosSegmentMembers(Container container) : ISegmentMembers
{
    internal const string CountQuery = "SELECT VALUE COUNT(1) FROM c";
    internal const string PageQuery = "SELECT * FROM c ORDER BY c.id";
    internal const string ByProfileQuery = "SELECT * FROM c WHERE c.profileId = @profileId";
    internal const string IdsQuery = "SELECT * FROM c";

    private static readonly ItemRequestOptions WriteOptions = new() { EnableContentResponseOnWrite = false };

    public async Task UpsertAsync(SegmentMember member, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        await container.UpsertItemAsync(MemberDocument.From(member), new PartitionKey(member.SegmentKey), WriteOptions, cancellationToken);
    }

    public async Task RemoveAsync(string segmentKey, string profileId, CancellationToken cancellationToken)
    {
        try
        {
            await container.DeleteItemAsync<MemberDocument>(profileId, new PartitionKey(segmentKey), cancellationToken: cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone: removal is idempotent.
        }
    }

    public async Task<long> CountAsync(string segmentKey, CancellationToken cancellationToken)
    {
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(segmentKey) };
        var counts = await container.GetItemQueryIterator<long>(new QueryDefinition(CountQuery), null, options).ReadAllAsync(cancellationToken);
        return counts.Sum();
    }

    public async Task<SegmentMembersPage> PageAsync(string segmentKey, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(segmentKey), MaxItemCount = pageSize };
        FeedResponse<MemberDocument> page;
        try
        {
            using var iterator = container.GetItemQueryIterator<MemberDocument>(new QueryDefinition(PageQuery), continuation, options);
            page = await iterator.ReadNextAsync(cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.BadRequest && continuation is not null)
        {
            throw new ArgumentException("the continuation token was not issued by this index", nameof(continuation), e);
        }

        return new SegmentMembersPage([.. page.Select(d => d.ToMember())], page.ContinuationToken);
    }

    public async Task<IReadOnlyList<string>> SegmentsOfAsync(string profileId, CancellationToken cancellationToken) =>
        [.. (await RowsOfAsync(profileId, cancellationToken)).Select(d => d.SegmentKey).Order(StringComparer.Ordinal)];

    public async Task RemoveProfileAsync(string profileId, CancellationToken cancellationToken)
    {
        foreach (var row in await RowsOfAsync(profileId, cancellationToken))
        {
            await RemoveAsync(row.SegmentKey, row.Id, cancellationToken);
        }
    }

    public async Task RemoveSegmentAsync(string segmentKey, CancellationToken cancellationToken)
    {
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(segmentKey) };
        var rows = await container.GetItemQueryIterator<MemberDocument>(new QueryDefinition(IdsQuery), null, options).ReadAllAsync(cancellationToken);
        foreach (var row in rows)
        {
            await RemoveAsync(segmentKey, row.Id, cancellationToken);
        }
    }

    private Task<List<MemberDocument>> RowsOfAsync(string profileId, CancellationToken cancellationToken) =>
        container.GetItemQueryIterator<MemberDocument>(new QueryDefinition(ByProfileQuery).WithParameter("@profileId", profileId))
            .ReadAllAsync(cancellationToken);
}

/// <summary>One index row as stored: the profile id is the document id within the segment's partition.</summary>
internal sealed record MemberDocument(string Id, string SegmentKey, string ProfileId, DateTimeOffset Since, long Seq)
{
    public static MemberDocument From(SegmentMember m) => new(m.ProfileId, m.SegmentKey, m.ProfileId, m.Since, m.Seq);

    public SegmentMember ToMember() => new(SegmentKey, ProfileId, Since, Seq);
}
