using Cdp.Core.Profiles;

namespace Cdp.Core.Segments.Rollups;

/// <summary>
/// Counts a filter key that was not kept when a profile's older events arrived (a definition saved later) by reading the
/// profile's timeline once, back to the oldest day the rollups keep, and marks the key as backfilled so it is never
/// read again. Profiles whose first event arrived under the current plan are already complete (see
/// <see cref="RollupRecorder.Record"/>) and cost no timeline read.
/// </summary>
public sealed class TimelineRollupBackfill(ITimelineStore timeline) : IRollupBackfill
{
    private const int PageSize = 200;

    public async Task<bool> BackfillAsync(Profile profile, RollupPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(plan);
        var missing = plan.Filters.Where(f => !profile.Rollups.Backfilled.ContainsKey(f.Key)).ToList();
        if (missing.Count == 0)
        {
            return false;
        }

        // The same anchor pruning uses: the newest day recorded, so a refresh and ingest agree on the kept window.
        var newest = profile.Rollups.Days.Count > 0 && RollupDays.TryParse(profile.Rollups.Days.Keys.Last(), out var day)
            ? day
            : RollupDays.Of(profile.Computed.LastSeen ?? profile.UpdatedAt);
        var from = newest.AddDays(-Math.Max(plan.KeepDays, 0));
        var events = await ReadBackToAsync(profile.Id, from, cancellationToken);
        foreach (var filter in missing)
        {
            RollupRecorder.Rebuild(profile, events, filter, from);
        }

        return true;
    }

    /// <summary>The timeline is newest first: pages are read until one reaches past <paramref name="from"/>.</summary>
    private async Task<List<TimelineEvent>> ReadBackToAsync(string profileId, DateOnly from, CancellationToken cancellationToken)
    {
        var events = new List<TimelineEvent>();
        string? continuation = null;
        do
        {
            var page = await timeline.GetPageAsync(profileId, PageSize, continuation, cancellationToken);
            events.AddRange(page.Events);
            continuation = page.Events.Any(e => RollupDays.Of(e.Timestamp) < from) ? null : page.ContinuationToken;
        }
        while (continuation is not null);

        return events;
    }
}
