namespace Cdp.Core.Segments;

/// <summary>
/// Per-profile daily rollups kept on ingest, so event conditions ("2 × Order Completed within P30D where total &gt; 50")
/// are answered from the profile document instead of its timeline. Days are UTC dates ("yyyy-MM-dd"); days older than
/// the longest window in use plus a margin are dropped, so the document stays bounded.
/// </summary>
public sealed record EventRollups
{
    /// <summary>Rollups by UTC day ("yyyy-MM-dd").</summary>
    public SortedDictionary<string, DayRollup> Days { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Filter keys (see <see cref="DayRollup.Counts"/>) whose history has been backfilled from the timeline, with the
    /// first day covered, so a definition added later counts events that arrived before it.
    /// </summary>
    public Dictionary<string, string> Backfilled { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>One UTC day of a profile's events.</summary>
public sealed record DayRollup
{
    /// <summary>
    /// Event counts. Keyed by event name (track events) or call type (page, screen, identify, ...) for every event,
    /// and by a filter key ("{event}#{hash of the where-filters}") for the filtered event conditions in use.
    /// </summary>
    public Dictionary<string, long> Counts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Sums of numeric properties, keyed "{event}.{property}".</summary>
    public Dictionary<string, decimal> Sums { get; init; } = new(StringComparer.Ordinal);
}
