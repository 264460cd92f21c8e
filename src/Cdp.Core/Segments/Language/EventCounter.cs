using Cdp.Core.Segments.Rollups;

namespace Cdp.Core.Segments.Language;

/// <summary>
/// Answers an event condition from <see cref="Profiles.Profile.Rollups"/>.
/// </summary>
/// <remarks>
/// The window is whole UTC days: <c>within P30D</c> evaluated at <c>now</c> counts the days from
/// <c>(now − 30 days)</c>'s UTC date through <c>now</c>'s UTC date, both included (31 calendar days, so an event
/// at any hour of the first day counts). Without <c>within</c> every day kept counts up to <c>now</c>'s UTC date.
/// Events dated after today (a device clock ahead) count from the day they are dated, not before.
/// </remarks>
internal sealed class EventCounter(string countKey, CountOperator op, long count, int? withinDays)
{
    public bool Matches(EventRollups rollups, DateTimeOffset now)
    {
        var today = RollupDays.Of(now);
        var last = RollupDays.Key(today);
        var first = withinDays is { } days ? RollupDays.Key(today.AddDays(-days)) : null;
        long total = 0;
        foreach (var (day, rollup) in rollups.Days)
        {
            if (first is not null && string.CompareOrdinal(day, first) < 0)
            {
                continue;
            }

            if (string.CompareOrdinal(day, last) > 0)
            {
                break;
            }

            total += rollup.Counts.GetValueOrDefault(countKey);
        }

        return op switch
        {
            CountOperator.Gte => total >= count,
            CountOperator.Gt => total > count,
            CountOperator.Lte => total <= count,
            CountOperator.Lt => total < count,
            _ => total == count,
        };
    }
}
