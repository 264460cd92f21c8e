using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Segments;

/// <summary>Segment settings, bound from <c>Cdp:Segments</c>.</summary>
public sealed class SegmentOptions
{
    public const string SectionName = "Cdp:Segments";

    /// <summary>
    /// Days of rollups kept beyond the longest <c>within</c> in use, so an event dated a little late still lands in
    /// a kept day and a window that grows slightly needs no backfill.
    /// </summary>
    [Range(0, 365, ErrorMessage = "Cdp:Segments:RollupMarginDays must be between 0 and 365")]
    public int RollupMarginDays { get; set; } = 7;

    /// <summary>Days of rollups kept when no segment needs a longer window (plus the margin).</summary>
    [Range(1, 3650, ErrorMessage = "Cdp:Segments:DefaultRollupDays must be between 1 and 3650")]
    public int DefaultRollupDays { get; set; } = 90;
}
