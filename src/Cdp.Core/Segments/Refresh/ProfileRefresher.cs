using Cdp.Core.Profiles;

namespace Cdp.Core.Segments;

/// <summary>
/// Refreshes profiles at a given time: evaluates each, writes it only if its standing changed (ETag; a lost race reads
/// and evaluates again), hands on the deliveries and brings the members index in line with the document. A tombstone's
/// index rows are removed and nothing is sent for it (its survivor holds the person's standing).
/// </summary>
public sealed partial class ProfileRefresher(
    IProfileStore profiles, MembershipEvaluator evaluator, MembershipSync membership, ISegmentMembers members, IRollupBackfill backfill,
    IRefreshWriteScope writeScope, TimeProvider time)
{
    private const int MaxWriteAttempts = 20;

    public async Task<SegmentRefreshCounts> RefreshAsync(
        string profileId, DateTimeOffset at, IReadOnlyDictionary<string, CatalogSegment> segments, RollupPlan plan, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await profiles.GetAsync(profileId, cancellationToken) is not { } read)
            {
                // Erased or deleted since the scan listed it.
                await members.RemoveProfileAsync(profileId, cancellationToken);
                return SegmentRefreshCounts.Zero;
            }

            var profile = read.Value;
            if (profile.MergedInto is not null)
            {
                await members.RemoveProfileAsync(profileId, cancellationToken);
                return SegmentRefreshCounts.Zero with { Tombstones = 1 };
            }

            var backfilled = await backfill.BackfillAsync(profile, plan, cancellationToken);
            // Never evaluate a profile at a time older than its last write (which evaluated it then): a late or replayed
            // refresh must not undo an exit that ingestion already recorded by the clock.
            var outcome = evaluator.Assess(profile, profile.UpdatedAt > at ? profile.UpdatedAt : at, segments);
            if (outcome.Changed || backfilled)
            {
                profile.Version++;
                profile.UpdatedAt = time.GetUtcNow();
                try
                {
                    await profiles.ReplaceAsync(profile, read.ETag, cancellationToken);
                }
                catch (ConcurrencyConflictException) when (attempt < MaxWriteAttempts)
                {
                    continue;
                }

                await membership.PublishAsync(profile, outcome, cancellationToken);
            }

            await membership.ReconcileIndexAsync(profile, cancellationToken);
            return new SegmentRefreshCounts(1, outcome.Entered.Count, outcome.Exited.Count, outcome.Changed || backfilled ? 1 : 0,
                outcome.FilteredByConsent ? 1 : 0, 0);
        }
    }
}
