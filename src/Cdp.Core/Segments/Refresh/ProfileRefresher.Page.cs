using Cdp.Core.Profiles;

namespace Cdp.Core.Segments;

public sealed partial class ProfileRefresher
{
    /// <summary>
    /// Refreshes a page of a scan as <see cref="RefreshAsync"/> refreshes one profile, with two store round trips fewer
    /// per profile: the members index is read once for the page, and the page's writes run in one
    /// <see cref="IRefreshWriteScope"/> (locally one transaction). Profiles are evaluated before the scope opens, so it
    /// holds the store's writer only for the writes. A profile whose write loses a race (ETag) is refreshed again on
    /// its own afterwards.
    /// </summary>
    public async Task<SegmentRefreshCounts> RefreshPageAsync(
        IReadOnlyList<string> profileIds, DateTimeOffset at, IReadOnlyDictionary<string, CatalogSegment> segments, RollupPlan plan,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileIds);
        var listed = await members.SegmentsOfAsync(profileIds, cancellationToken);
        var counts = SegmentRefreshCounts.Zero;
        var assessed = new List<Assessed>(profileIds.Count);
        var gone = new List<string>();
        foreach (var id in profileIds)
        {
            var found = await profiles.GetAsync(id, cancellationToken);
            if (found is not { } read || read.Value.MergedInto is not null)
            {
                // Erased or deleted since the scan listed it, or a tombstone: its rows go, nothing is sent.
                counts = found is null ? counts : counts.Add(SegmentRefreshCounts.Zero with { Tombstones = 1 });
                if (listed.ContainsKey(id))
                {
                    gone.Add(id);
                }

                continue;
            }

            var profile = read.Value;
            var backfilled = await backfill.BackfillAsync(profile, plan, cancellationToken);
            var outcome = evaluator.Assess(profile, profile.UpdatedAt > at ? profile.UpdatedAt : at, segments);
            var rows = new HashSet<string>(listed.GetValueOrDefault(id) ?? [], StringComparer.Ordinal);
            if (outcome.Changed || backfilled || !Agrees(profile, rows))
            {
                assessed.Add(new Assessed(read, outcome, outcome.Changed || backfilled, rows));
            }
            else
            {
                counts = counts.Add(new SegmentRefreshCounts(1, 0, 0, 0, outcome.FilteredByConsent ? 1 : 0, 0));
            }
        }

        var lost = new List<string>();
        if (assessed.Count > 0 || gone.Count > 0)
        {
            await writeScope.RunAsync(
                async () =>
                {
                    foreach (var one in assessed)
                    {
                        if (await WriteAsync(one, cancellationToken) is { } written)
                        {
                            counts = counts.Add(written);
                        }
                        else
                        {
                            lost.Add(one.Read.Value.Id);
                        }
                    }

                    foreach (var id in gone)
                    {
                        await members.RemoveProfileAsync(id, cancellationToken);
                    }
                },
                cancellationToken);
        }

        foreach (var id in lost)
        {
            counts = counts.Add(await RefreshAsync(id, at, segments, plan, cancellationToken));
        }

        return counts;
    }

    /// <summary>True when the members index rows of the profile are exactly its memberships.</summary>
    private static bool Agrees(Profile profile, HashSet<string> rows)
    {
        var memberships = 0;
        foreach (var (key, standing) in profile.Segments)
        {
            if (standing.Member)
            {
                memberships++;
                if (!rows.Contains(key))
                {
                    return false;
                }
            }
        }

        return memberships == rows.Count;
    }

    /// <summary>Writes one assessed profile and repairs its index rows; null when the profile changed since it was read.</summary>
    private async Task<SegmentRefreshCounts?> WriteAsync(Assessed one, CancellationToken cancellationToken)
    {
        var (read, outcome, changed, rows) = one;
        var profile = read.Value;
        if (changed)
        {
            profile.Version++;
            profile.UpdatedAt = time.GetUtcNow();
            try
            {
                await profiles.ReplaceAsync(profile, read.ETag, cancellationToken);
            }
            catch (ConcurrencyConflictException)
            {
                return null;
            }

            await membership.PublishAsync(profile, outcome, cancellationToken);

            // What publishing just did to the index, so the repair below only adds what is still missing.
            rows.UnionWith(outcome.Entered);
            rows.ExceptWith(outcome.Exited.Concat(outcome.Removed));
        }
        else if ((await profiles.GetAsync(profile.Id, cancellationToken))?.ETag != read.ETag)
        {
            // Only the index disagreed, and the profile was written since it was read: that write brought the index in
            // line with a newer document than this one, so a repair from this one could undo it.
            return null;
        }

        await membership.RepairIndexAsync(profile, rows, cancellationToken);
        return new SegmentRefreshCounts(1, outcome.Entered.Count, outcome.Exited.Count, changed ? 1 : 0, outcome.FilteredByConsent ? 1 : 0, 0);
    }

    private sealed record Assessed(Versioned<Profile> Read, MembershipOutcome Outcome, bool Changed, HashSet<string> Rows);
}
