using System.Globalization;

namespace Cdp.Core.Segments.Rollups;

/// <summary>
/// The UTC day an instant falls on and its key in <see cref="EventRollups.Days"/> ("yyyy-MM-dd", which sorts
/// ordinally in date order).
/// </summary>
public static class RollupDays
{
    private const string Format = "yyyy-MM-dd";

    public static DateOnly Of(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

    public static string Key(DateOnly day) => day.ToString(Format, CultureInfo.InvariantCulture);

    public static string Key(DateTimeOffset instant) => Key(Of(instant));

    public static bool TryParse(string key, out DateOnly day) =>
        DateOnly.TryParseExact(key, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
