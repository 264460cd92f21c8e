using Cdp.Core.Consent;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Profiles;

/// <summary>
/// Folds one profile into another: identifiers united, traits by survivorship, computed traits combined,
/// consent by the most restrictive answer. Pure and idempotent: merging the same loser twice changes nothing.
/// The loser's raw archive references are not on the document: they move with its timeline (MoveTimelineActivity).
/// </summary>
public sealed class ProfileMerger(TraitSurvivorship survivorship, IOptions<Ingestion.ProcessingOptions> processing)
{
    private readonly int _recentLimit = processing.Value.RecentMessageIdsPerProfile;

    /// <summary>True when <paramref name="survivor"/> already holds <paramref name="loserId"/>'s data.</summary>
    public static bool HasMerged(Profile survivor, string loserId)
    {
        ArgumentNullException.ThrowIfNull(survivor);
        return survivor.History.Exists(h => h.Kind == HistoryKinds.MergedFrom && h.OtherProfileId == loserId);
    }

    /// <summary>Applies <paramref name="loser"/> to <paramref name="survivor"/>; false if it was merged already.</summary>
    public bool Merge(Profile survivor, Profile loser, DateTimeOffset at, string reason)
    {
        ArgumentNullException.ThrowIfNull(survivor);
        ArgumentNullException.ThrowIfNull(loser);
        if (HasMerged(survivor, loser.Id))
        {
            return false;
        }

        foreach (var (name, value) in loser.Traits)
        {
            if (survivorship.Replaces(name, value, survivor.Traits.GetValueOrDefault(name)))
            {
                survivor.Traits[name] = value;
            }
        }

        foreach (var id in loser.Identifiers)
        {
            var index = survivor.Identifiers.FindIndex(i => i.IdentityId == id.IdentityId);
            if (index < 0)
            {
                survivor.Identifiers.Add(id);
            }
            else if (id.FirstSeen < survivor.Identifiers[index].FirstSeen)
            {
                survivor.Identifiers[index] = id;
            }
        }

        MergeComputed(survivor.Computed, loser.Computed);
        MergeRollups(survivor.Rollups, loser.Rollups);

        MergeConsent(survivor, loser, at);

        MergeMemberships(survivor, loser);

        foreach (var messageId in loser.RecentMessageIds)
        {
            if (!survivor.RecentMessageIds.Contains(messageId))
            {
                survivor.RecentMessageIds.Add(messageId);
            }
        }

        if (survivor.RecentMessageIds.Count > _recentLimit)
        {
            survivor.RecentMessageIds.RemoveRange(0, survivor.RecentMessageIds.Count - _recentLimit);
        }

        // The loser's own history travels along, so a chain of merges stays readable (and idempotent) on the survivor.
        survivor.History.AddRange(loser.History.Where(h => h.Kind != HistoryKinds.MergedInto));
        survivor.History.Add(new ProfileHistoryEntry(at, HistoryKinds.MergedFrom, reason, loser.Id));
        survivor.TrimHistory();
        return true;
    }

    /// <summary>A "no" beats a "yes": merging two records of one person must never widen what they agreed to.</summary>
    public static ConsentState MostRestrictive(ConsentState a, ConsentState b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Granted != b.Granted)
        {
            return a.Granted ? b : a;
        }

        return a.UpdatedAt >= b.UpdatedAt ? a : b;
    }

    /// <summary>
    /// Histories are united in time order; where the loser's answer is the more restrictive one and so changes the
    /// survivor's, that change is itself recorded (at the merge) so the history ends in the current answer.
    /// </summary>
    private static void MergeConsent(Profile survivor, Profile loser, DateTimeOffset at)
    {
        var history = survivor.ConsentHistory.Union(loser.ConsentHistory).OrderBy(h => h.At).ToList();
        survivor.ConsentHistory.Clear();
        survivor.ConsentHistory.AddRange(history);
        foreach (var (purpose, state) in loser.Consent)
        {
            if (!survivor.Consent.TryGetValue(purpose, out var mine))
            {
                survivor.Consent[purpose] = state;
                continue;
            }

            var kept = MostRestrictive(mine, state);
            if (kept.Granted != mine.Granted)
            {
                survivor.ConsentHistory.Add(new ConsentHistoryEntry(purpose, kept.Granted, at, ConsentSources.Merge));
            }

            survivor.Consent[purpose] = kept;
        }
    }

    /// <summary>
    /// Counts and sums add up day by day, as if the survivor had received the loser's events. A filter key backfilled
    /// on either side stays backfilled, from the later first day of the two when both were.
    /// </summary>
    private static void MergeRollups(Segments.EventRollups into, Segments.EventRollups from)
    {
        foreach (var (key, day) in from.Days)
        {
            if (!into.Days.TryGetValue(key, out var mine))
            {
                mine = new Segments.DayRollup();
                into.Days[key] = mine;
            }

            foreach (var (name, count) in day.Counts)
            {
                mine.Counts[name] = mine.Counts.GetValueOrDefault(name) + count;
            }

            foreach (var (name, sum) in day.Sums)
            {
                try
                {
                    mine.Sums[name] = mine.Sums.GetValueOrDefault(name) + sum;
                }
                catch (OverflowException)
                {
                    // Beyond decimal's range is garbage input; keep the survivor's figure.
                }
            }
        }

        foreach (var (key, first) in from.Backfilled)
        {
            if (!into.Backfilled.TryGetValue(key, out var mine) || string.CompareOrdinal(first, mine) > 0)
            {
                into.Backfilled[key] = first;
            }
        }
    }

    /// <summary>
    /// The person is already in (and already sent to) wherever either record was: earliest <c>Since</c>, union of
    /// <c>SentTo</c>, highest <c>Seq</c> (so the next transition's delivery ids are new), so a merge never re-enters anyone.
    /// The next evaluation of the survivor decides whether the merged person still qualifies.
    /// </summary>
    private static void MergeMemberships(Profile survivor, Profile loser)
    {
        foreach (var (key, theirs) in loser.Segments)
        {
            if (!survivor.Segments.TryGetValue(key, out var mine))
            {
                survivor.Segments[key] = theirs with { SentTo = [.. theirs.SentTo] };
                continue;
            }

            survivor.Segments[key] = new Segments.SegmentMembership(
                mine.Member || theirs.Member,
                mine.Since <= theirs.Since ? mine.Since : theirs.Since,
                Math.Max(mine.Seq, theirs.Seq),
                [.. mine.SentTo.Union(theirs.SentTo, StringComparer.Ordinal)]);
        }
    }

    private static void MergeComputed(ComputedTraits into, ComputedTraits from)
    {
        if (from.FirstSeen is { } first && (into.FirstSeen is null || first < into.FirstSeen))
        {
            into.FirstSeen = first;
        }

        if (from.LastSeen is { } last && (into.LastSeen is null || last > into.LastSeen))
        {
            into.LastSeen = last;
            into.LastChannel = from.LastChannel;
            into.LastSource = from.LastSource;
        }

        into.EventCount += from.EventCount;
        foreach (var (name, count) in from.EventCounts)
        {
            into.EventCounts[name] = into.EventCounts.GetValueOrDefault(name) + count;
        }

        foreach (var (name, sum) in from.Sums)
        {
            try
            {
                into.Sums[name] = into.Sums.GetValueOrDefault(name) + sum;
            }
            catch (OverflowException)
            {
                // A sum beyond decimal's range (7.9e28) is garbage input; keep the survivor's figure.
            }
        }
    }
}
