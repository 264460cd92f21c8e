using Microsoft.Extensions.Options;

namespace Cdp.Core.Segments.Rollups;

/// <summary>
/// The plan until a segment catalog is registered: plain counts and sums for <c>DefaultRollupDays</c> plus the margin,
/// no filtered counts.
/// </summary>
internal sealed class DefaultRollupPlanSource(IOptions<SegmentOptions> options) : IRollupPlanSource
{
    public RollupPlan Current { get; } = RollupPlan.Default(options.Value.DefaultRollupDays + options.Value.RollupMarginDays);
}
