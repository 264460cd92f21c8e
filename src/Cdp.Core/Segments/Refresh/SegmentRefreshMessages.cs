namespace Cdp.Core.Segments;

/// <summary>Starts a refresh; <see cref="Trigger"/> says who asked (schedule, API) for the log.</summary>
public sealed record SegmentRefreshRequest(string Trigger);

/// <summary>One shard to refresh, evaluated at the workflow's time (the same on every replay and retry).</summary>
public sealed record ShardRefresh(string Shard, DateTimeOffset At);

/// <summary>The refresh's last step: full member files for file destinations, named by the refresh's time.</summary>
public sealed record MemberFilesStep(DateTimeOffset At);

/// <summary>What a refresh (or one shard of it) did.</summary>
/// <param name="Evaluated">Live profiles evaluated.</param>
/// <param name="Entered">Segment entries recorded.</param>
/// <param name="Exited">Segment exits recorded (time passing, a changed definition, a deleted segment).</param>
/// <param name="Written">Profiles written because their standing (or rollups) changed.</param>
/// <param name="FilteredByConsent">Profiles held back from a destination because a purpose it declares was not granted.</param>
/// <param name="Tombstones">Merged-away profiles whose index rows were removed.</param>
public sealed record SegmentRefreshCounts(long Evaluated, long Entered, long Exited, long Written, long FilteredByConsent, long Tombstones)
{
    public static readonly SegmentRefreshCounts Zero = new(0, 0, 0, 0, 0, 0);

    public SegmentRefreshCounts Add(SegmentRefreshCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Evaluated + other.Evaluated, Entered + other.Entered, Exited + other.Exited, Written + other.Written,
            FilteredByConsent + other.FilteredByConsent, Tombstones + other.Tombstones);
    }
}
