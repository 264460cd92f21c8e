using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Ingestion;

/// <summary>Event processing settings, bound from <c>Cdp:Processing</c>.</summary>
public sealed class ProcessingOptions
{
    public const string SectionName = "Cdp:Processing";

    /// <summary>How long a processed messageId is remembered. The Segment contract needs at least a day.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00", ErrorMessage = "Cdp:Processing:DedupWindow must be between 1.00:00:00 (24 hours) and 365 days")]
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How many recent messageIds each profile keeps to make a redelivered batch harmless.</summary>
    [Range(16, 10_000, ErrorMessage = "Cdp:Processing:RecentMessageIdsPerProfile must be between 16 and 10000")]
    public int RecentMessageIdsPerProfile { get; set; } = 200;

    /// <summary>Attempts at a profile write that keeps losing to concurrent writers before the batch fails (and is retried).</summary>
    [Range(1, 100, ErrorMessage = "Cdp:Processing:MaxWriteAttempts must be between 1 and 100")]
    public int MaxWriteAttempts { get; set; } = 10;

    /// <summary>
    /// Whether a batch reads its links and profiles in bulk before resolving its events (always, in a host). Not
    /// bound from configuration: tests turn it off to check that the bulk reads change no decision.
    /// </summary>
    internal bool PrefetchReads { get; set; } = true;
}
