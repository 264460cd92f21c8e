using Cdp.Core.Profiles;

namespace Cdp.Core.Segments;

/// <summary>
/// Membership around a profile write, for every writer of profiles (ingestion, the consent API, the refresh): evaluate
/// before each write attempt (a retried write evaluates the fresh document again), then, once the write has committed,
/// hand the deliveries on and bring the members index in line.
/// </summary>
public sealed class MembershipSync(
    SegmentCatalog catalog, MembershipEvaluator evaluator, IAudienceActivation activation, ISegmentMembers members, SegmentMetrics metrics,
    TimeProvider time)
{
    /// <summary>Evaluates <paramref name="profile"/> now, against segments no older than the catalog's reload interval.</summary>
    public Task<MembershipOutcome> EvaluateAsync(Profile profile, CancellationToken cancellationToken) =>
        EvaluateAsync(profile, time.GetUtcNow(), cancellationToken);

    public async Task<MembershipOutcome> EvaluateAsync(Profile profile, DateTimeOffset now, CancellationToken cancellationToken) =>
        evaluator.Assess(profile, now, await catalog.GetAsync(cancellationToken));

    /// <summary>Call after the write that carried <paramref name="outcome"/> committed (never before: a lost write sends nothing).</summary>
    public async Task PublishAsync(Profile profile, MembershipOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Changed)
        {
            return;
        }

        metrics.Recorded(outcome);
        if (outcome.Deliveries.Count > 0)
        {
            await activation.EnqueueAsync(outcome.Deliveries, cancellationToken);
        }

        foreach (var key in outcome.Entered)
        {
            var standing = profile.Segments[key];
            await members.UpsertAsync(new SegmentMember(key, profile.Id, standing.Since, standing.Seq), cancellationToken);
        }

        foreach (var key in outcome.Exited.Concat(outcome.Removed))
        {
            await members.RemoveAsync(key, profile.Id, cancellationToken);
        }
    }

    /// <summary>
    /// Call once <paramref name="loserId"/> has been folded into <paramref name="survivor"/> (as now stored). A merge moves
    /// standings without evaluating them (<see cref="Profiles.ProfileMerger"/>), so nothing else tells the index: without this
    /// the tombstone stayed listed beside the survivor, one person counted twice until the next refresh (found by the
    /// audience acceptance tests). Idempotent, so a merge step retried after a crash may call it again.
    /// </summary>
    public async Task MergedAsync(Profile survivor, string loserId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(survivor);
        await members.RemoveProfileAsync(loserId, cancellationToken);
        await ReconcileIndexAsync(survivor, cancellationToken);
    }

    /// <summary>
    /// Brings the index rows of <paramref name="profile"/> in line with its standings: a row for each segment it is a member
    /// of, none for the rest. Repairs what a crash between a profile write and its index update left behind.
    /// </summary>
    public async Task ReconcileIndexAsync(Profile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        await RepairIndexAsync(profile, (await members.SegmentsOfAsync(profile.Id, cancellationToken)).ToHashSet(StringComparer.Ordinal), cancellationToken);
    }

    /// <summary>
    /// <see cref="ReconcileIndexAsync"/> with the rows already read (<paramref name="listed"/>: the segments the index
    /// lists the profile in), so a refresh reads a whole page's rows in one query.
    /// </summary>
    public async Task RepairIndexAsync(Profile profile, IReadOnlySet<string> listed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(listed);
        foreach (var (key, standing) in profile.Segments)
        {
            if (standing.Member && !listed.Contains(key))
            {
                await members.UpsertAsync(new SegmentMember(key, profile.Id, standing.Since, standing.Seq), cancellationToken);
            }
        }

        foreach (var key in listed.Where(k => profile.Segments.GetValueOrDefault(k) is not { Member: true }))
        {
            await members.RemoveAsync(key, profile.Id, cancellationToken);
        }
    }
}
