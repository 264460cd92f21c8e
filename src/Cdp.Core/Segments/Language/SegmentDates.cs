using System.Globalization;

namespace Cdp.Core.Segments.Language;

/// <summary>
/// The date and duration forms the segment language accepts, kept strict so a plain text value is never taken for a
/// date by accident.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A date/time is ISO-8601 starting <c>yyyy-MM-dd</c>: <c>2025-03-01</c> (midnight UTC),
/// <c>2025-03-01T10:00:00Z</c>, <c>2025-03-01T10:00:00+01:00</c>. Without an offset it is UTC.</item>
/// <item>A duration (for <c>within</c>) is whole days or weeks: <c>P30D</c>, <c>P2W</c>, from 1 to
/// <see cref="MaxDays"/> days. Hours, months and years are refused: months vary in length and rollups are daily.</item>
/// <item>A relative date is a duration with a sign: <c>-P30D</c> is 30 days before the evaluation time, <c>+P1W</c>
/// a week after. <c>P30D</c> without a sign is plain text.</item>
/// </list>
/// </remarks>
public static class SegmentDates
{
    /// <summary>The longest duration accepted: ten years of days.</summary>
    public const int MaxDays = 3650;

    public static bool TryParseInstant(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (text is null || text.Length < 10 || !LooksLikeDate(text))
        {
            return false;
        }

        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }

    /// <summary><c>P30D</c> → 30, <c>P2W</c> → 14; false for anything else or outside 1 to <see cref="MaxDays"/>.</summary>
    public static bool TryParseDays(string? text, out int days)
    {
        days = 0;
        if (text is null || text.Length < 3 || text[0] != 'P')
        {
            return false;
        }

        var unit = text[^1];
        var digits = text.AsSpan(1, text.Length - 2);
        if ((unit != 'D' && unit != 'W') || digits.Length is 0 or > 5 || !IsDigits(digits))
        {
            return false;
        }

        var count = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        days = unit == 'W' ? count * 7 : count;
        return days is >= 1 and <= MaxDays;
    }

    /// <summary><c>-P30D</c> → -30, <c>+P1W</c> → 7.</summary>
    public static bool TryParseRelative(string? text, out int daysFromNow)
    {
        daysFromNow = 0;
        if (text is null || text.Length < 4 || (text[0] != '-' && text[0] != '+') || !TryParseDays(text[1..], out var days))
        {
            return false;
        }

        daysFromNow = text[0] == '-' ? -days : days;
        return true;
    }

    private static bool LooksLikeDate(string text) =>
        IsDigits(text.AsSpan(0, 4)) && text[4] == '-' && IsDigits(text.AsSpan(5, 2)) && text[7] == '-' && IsDigits(text.AsSpan(8, 2))
        && (text.Length == 10 || text[10] == 'T' || text[10] == 't' || text[10] == ' ');

    private static bool IsDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
