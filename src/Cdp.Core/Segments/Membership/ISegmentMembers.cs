namespace Cdp.Core.Segments;

/// <summary>One row of the members index: a profile that is in a segment, since when and at which transition.</summary>
public sealed record SegmentMember(string SegmentKey, string ProfileId, DateTimeOffset Since, long Seq);

/// <summary>A page of a segment's members, ordered by profile id; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record SegmentMembersPage(IReadOnlyList<SegmentMember> Members, string? Continuation);

/// <summary>
/// Port: the members index (container <c>segmentMembers</c>, pk <c>/segmentKey</c>), which backs counts and member
/// listings. The profile document is the record (<see cref="Profiles.Profile.Segments"/>); this index follows it and the
/// refresh reconciles it, so every write here is idempotent.
/// </summary>
public interface ISegmentMembers
{
    Task UpsertAsync(SegmentMember member, CancellationToken cancellationToken);

    /// <summary>Removes one row; removing a row that is not there is not an error.</summary>
    Task RemoveAsync(string segmentKey, string profileId, CancellationToken cancellationToken);

    Task<long> CountAsync(string segmentKey, CancellationToken cancellationToken);

    /// <exception cref="ArgumentException">The continuation was not issued by this store.</exception>
    Task<SegmentMembersPage> PageAsync(string segmentKey, int pageSize, string? continuation, CancellationToken cancellationToken);

    /// <summary>The keys of the segments the index lists <paramref name="profileId"/> in.</summary>
    Task<IReadOnlyList<string>> SegmentsOfAsync(string profileId, CancellationToken cancellationToken);

    /// <summary>
    /// The keys of the segments the index lists each of <paramref name="profileIds"/> in; a profile listed in none is
    /// absent. The refresh reconciles a page of profiles with one call, so a store that can answer it in one query
    /// should (the default asks profile by profile).
    /// </summary>
    async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> SegmentsOfAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileIds);
        var listed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var profileId in profileIds)
        {
            if (await SegmentsOfAsync(profileId, cancellationToken) is { Count: > 0 } keys)
            {
                listed[profileId] = keys;
            }
        }

        return listed;
    }

    /// <summary>Removes every row of a profile (a tombstone, an erased profile).</summary>
    Task RemoveProfileAsync(string profileId, CancellationToken cancellationToken);

    /// <summary>Removes every row of a segment (the segment was deleted).</summary>
    Task RemoveSegmentAsync(string segmentKey, CancellationToken cancellationToken);
}
