using Cdp.Core.Events;
using Cdp.Core.Profiles;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Segments.Rollups;

/// <summary>
/// Keeps <see cref="Profile.Rollups"/>: each applied event counts on its UTC day (event time = timestamp, else
/// receivedAt, as <see cref="ProfileUpdater"/> dates it) under its event name or call type, under every filter key
/// of the plan whose filters it passes, and adds its numeric properties to the sums configured in
/// <c>Cdp:Profiles:Sums</c> (only those, so a profile's rollups stay bounded whatever properties events carry).
/// </summary>
/// <remarks>
/// An event dated more than a day after it was received counts on the day it was received
/// (<see cref="RollupDays.EventKey"/>). Days more than <see cref="RollupPlan.KeepDays"/> before the newest day recorded
/// are dropped on write. The anchor is the newest day, not the wall clock, so the same events give the same rollups in
/// any order or batching.
/// </remarks>
public sealed class RollupRecorder(IOptions<ProfileOptions> profileOptions)
{
    private readonly List<SumRule> _sums = profileOptions.Value.Sums;

    public void Record(Profile profile, SegmentEvent e, RollupPlan plan)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(plan);
        var day = Day(profile.Rollups, RollupDays.EventKey(e.Timestamp ?? e.ReceivedAt ?? profile.UpdatedAt, e.ReceivedAt));
        var key = ProfileUpdater.CountKey(e);
        Increment(day, key);
        foreach (var filter in plan.Filters)
        {
            if (filter.Event == key && filter.Passes(e.Properties))
            {
                Increment(day, filter.Key);
            }
        }

        AddSums(day, e);
        if (profile.Computed.EventCount == 1)
        {
            // A person's first event: every filter in use has seen all of their events, so none needs a backfill.
            var first = RollupDays.EventKey(e.Timestamp ?? e.ReceivedAt ?? profile.UpdatedAt, e.ReceivedAt);
            foreach (var filter in plan.Filters)
            {
                profile.Rollups.Backfilled.TryAdd(filter.Key, first);
            }
        }

        Prune(profile.Rollups, plan.KeepDays);
    }

    /// <summary>
    /// Recomputes one filter key's counts from <paramref name="from"/> on out of the profile's timeline, for a
    /// definition whose filter is new or whose window reaches further back than the rollups kept, and records the
    /// first day covered in <see cref="EventRollups.Backfilled"/>. Days before <paramref name="from"/> are left as
    /// they are. Pass <see cref="Unfiltered"/> to rebuild a plain count.
    /// </summary>
    public static void Rebuild(Profile profile, IEnumerable<TimelineEvent> events, RollupFilter filter, DateOnly from)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(filter);
        var rollups = profile.Rollups;
        var first = RollupDays.Key(from);
        foreach (var (day, rollup) in rollups.Days.Where(d => string.CompareOrdinal(d.Key, first) >= 0).ToList())
        {
            if (rollup.Counts.Remove(filter.Key) && rollup.Counts.Count == 0 && rollup.Sums.Count == 0)
            {
                rollups.Days.Remove(day);
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var day = RollupDays.EventKey(e.Timestamp, e.ReceivedAt == default ? null : e.ReceivedAt);
            if (seen.Add(e.Id) && string.CompareOrdinal(day, first) >= 0 && CountKey(e) == filter.Event && filter.Passes(e.Properties))
            {
                Increment(Day(rollups, day), filter.Key);
            }
        }

        rollups.Backfilled[filter.Key] = rollups.Backfilled.TryGetValue(filter.Key, out var earlier) && string.CompareOrdinal(earlier, first) < 0
            ? earlier
            : first;
    }

    /// <summary>A "filter" passing every event of <paramref name="countKey"/>: its key is the plain count's.</summary>
    public static RollupFilter Unfiltered(string countKey) => new(countKey, countKey, static _ => true);

    /// <summary>The same key <see cref="ProfileUpdater.CountKey"/> gives the event this timeline entry was made from.</summary>
    public static string CountKey(TimelineEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Type == EventTypes.Track && !string.IsNullOrEmpty(e.Name) ? e.Name : e.Type;
    }

    /// <summary>Drops days more than <paramref name="keepDays"/> before the newest day.</summary>
    public static void Prune(EventRollups rollups, int keepDays)
    {
        ArgumentNullException.ThrowIfNull(rollups);
        if (rollups.Days.Count == 0 || !RollupDays.TryParse(rollups.Days.Keys.Last(), out var newest))
        {
            return;
        }

        var oldestKept = RollupDays.Key(newest.AddDays(-Math.Max(keepDays, 0)));
        var stale = rollups.Days.Keys.TakeWhile(d => string.CompareOrdinal(d, oldestKept) < 0).ToList();
        foreach (var day in stale)
        {
            rollups.Days.Remove(day);
        }
    }

    private void AddSums(DayRollup day, SegmentEvent e)
    {
        if (e.Type != EventTypes.Track || e.Properties is null)
        {
            return;
        }

        foreach (var rule in _sums)
        {
            if (rule.Event == e.Event && e.Properties.TryGetValue(rule.Property, out var value) && ProfileUpdater.TryGetNumber(value, out var number))
            {
                try
                {
                    day.Sums[rule.Key] = day.Sums.GetValueOrDefault(rule.Key) + number;
                }
                catch (OverflowException)
                {
                    // Beyond decimal's range is garbage input; the event still counts.
                }
            }
        }
    }

    private static DayRollup Day(EventRollups rollups, string key)
    {
        if (!rollups.Days.TryGetValue(key, out var day))
        {
            day = new DayRollup();
            rollups.Days[key] = day;
        }

        return day;
    }

    private static void Increment(DayRollup day, string key) => day.Counts[key] = day.Counts.GetValueOrDefault(key) + 1;
}
