using System.Globalization;

namespace Cdp.Core.Segments.Rollups;

/// <summary>
/// The UTC day an instant falls on and its key in <see cref="EventRollups.Days"/> ("yyyy-MM-dd", which sorts
/// ordinally in date order).
/// </summary>
public static class RollupDays
{
    private const string Format = "yyyy-MM-dd";

    /// <summary>How far ahead of its arrival an event may be dated and still count on its own day.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    public static DateOnly Of(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

    public static string Key(DateOnly day) => day.ToString(Format, CultureInfo.InvariantCulture);

    public static string Key(DateTimeOffset instant) => Key(Of(instant));

    /// <summary>
    /// The day an event counts on: the UTC day of its time, except that an event dated more than
    /// <see cref="FutureTolerance"/> after it was received counts on the day it was received. A device clock years
    /// ahead would otherwise become the newest day and push every real day out of the kept window.
    /// </summary>
    public static string EventKey(DateTimeOffset at, DateTimeOffset? receivedAt) =>
        Key(receivedAt is { } received && at > received + FutureTolerance ? received : at);

    public static bool TryParse(string key, out DateOnly day) =>
        DateOnly.TryParseExact(key, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
