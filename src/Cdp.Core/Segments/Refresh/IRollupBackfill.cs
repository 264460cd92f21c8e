using Cdp.Core.Profiles;

namespace Cdp.Core.Segments;

/// <summary>
/// Seam for the refresh: before a profile is evaluated, rollups of filter keys or windows its rollups do not cover yet
/// (a definition added later) are rebuilt from its timeline and recorded in <see cref="EventRollups.Backfilled"/>.
/// Implemented by <see cref="Rollups.TimelineRollupBackfill"/>.
/// </summary>
public interface IRollupBackfill
{
    /// <summary>True when it changed <paramref name="profile"/>'s rollups (so the profile is written).</summary>
    Task<bool> BackfillAsync(Profile profile, RollupPlan plan, CancellationToken cancellationToken);
}
