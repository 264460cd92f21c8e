using Cdp.Core.Consent;
using Cdp.Core.Profiles;

namespace Cdp.Core.Segments;

/// <summary>
/// Compares every segment of the catalog with a profile's stored standing (<see cref="Profile.Segments"/>), updates the
/// standing and returns the deliveries it implies (ADR 0013). The standing is committed with the profile, so a transition
/// is recorded once however often or by whom the profile is evaluated: a re-sent event, a new identifier or a merge that
/// leaves a person in a segment changes nothing and sends nothing.
/// </summary>
public sealed class MembershipEvaluator(SegmentCatalog catalog, IDestinationDirectory destinations, ConsentPolicy consent)
{
    /// <summary>Evaluates against the segments as last loaded and returns the deliveries (see <see cref="Assess(Profile, DateTimeOffset)"/>).</summary>
    public IReadOnlyList<AudienceDelivery> Evaluate(Profile profile, DateTimeOffset now) => Assess(profile, now).Deliveries;

    /// <summary>Evaluates against the segments as last loaded; see <see cref="Assess(Profile, DateTimeOffset, IReadOnlyDictionary{string, CatalogSegment})"/>.</summary>
    public MembershipOutcome Assess(Profile profile, DateTimeOffset now) => Assess(profile, now, catalog.Loaded);

    /// <summary>
    /// Updates <paramref name="profile"/>'s standing in each of <paramref name="segments"/> at <paramref name="now"/> and drops
    /// its membership of segments that no longer exist (sending "exited" to the destinations holding the person). A tombstone
    /// is left alone: its survivor took over its standing in the merge, so it sends nothing.
    /// </summary>
    public MembershipOutcome Assess(Profile profile, DateTimeOffset now, IReadOnlyDictionary<string, CatalogSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(segments);
        if (profile.MergedInto is not null)
        {
            return MembershipOutcome.None;
        }

        var tally = new Tally(profile.Id, now);
        foreach (var segment in segments.Values)
        {
            if (segment.Compiled is { } compiled)
            {
                Update(profile, segment.Document, compiled.Matches(profile, now), tally);
            }
        }

        foreach (var key in profile.Segments.Keys.Where(k => !segments.ContainsKey(k)).ToList())
        {
            Drop(profile, key, tally);
        }

        return tally.ToOutcome();
    }

    private void Update(Profile profile, SegmentDocument segment, bool member, Tally tally)
    {
        var standing = profile.Segments.GetValueOrDefault(segment.Key);
        if (standing is null && !member)
        {
            return;
        }

        var sentTo = standing?.SentTo ?? [];
        var moved = standing is null || standing.Member != member;
        var enter = new List<string>();
        var leave = new List<string>();
        foreach (var destination in segment.Destinations.Distinct(StringComparer.Ordinal))
        {
            if (destinations.Find(destination) is not { } configured)
            {
                continue;
            }

            var allowed = member && consent.FirstWithheld(profile, configured.Purposes) is null;
            tally.FilteredByConsent |= member && !allowed;
            if (allowed && !sentTo.Contains(destination))
            {
                enter.Add(destination);
            }
            else if (!allowed && sentTo.Contains(destination))
            {
                leave.Add(destination);
            }
        }

        // A destination taken off the segment no longer gets its members: it is told they left.
        leave.AddRange(sentTo.Where(d => !segment.Destinations.Contains(d) && destinations.Find(d) is not null));
        if (!moved && enter.Count == 0 && leave.Count == 0)
        {
            return;
        }

        var seq = (standing?.Seq ?? 0) + 1;
        var kept = sentTo.Where(d => !leave.Contains(d)).Concat(enter).ToList();
        profile.Segments[segment.Key] = new SegmentMembership(member, moved ? tally.Now : standing!.Since, seq, kept);
        tally.Send(segment.Key, segment.Name, seq, enter, leave);
        if (moved)
        {
            (member ? tally.Entered : tally.Exited).Add(segment.Key);
        }
    }

    /// <summary>
    /// The standing in a deleted segment ends: destinations holding the person are told they left. The entry stays as a
    /// non-member with its counter, so a segment created again under the same key never reuses a delivery id.
    /// </summary>
    private void Drop(Profile profile, string key, Tally tally)
    {
        var standing = profile.Segments[key];
        if (!standing.Member && standing.SentTo.Count == 0)
        {
            return;
        }

        var seq = standing.Seq + 1;
        profile.Segments[key] = new SegmentMembership(false, tally.Now, seq, []);
        tally.Removed.Add(key);
        tally.Send(key, key, seq, [], [.. standing.SentTo.Where(d => destinations.Find(d) is not null)]);
    }

    /// <summary>What one evaluation found, gathered as it goes.</summary>
    private sealed class Tally(string profileId, DateTimeOffset now)
    {
        private readonly List<AudienceDelivery> _deliveries = [];
        private bool _changed;

        public DateTimeOffset Now => now;

        public List<string> Entered { get; } = [];

        public List<string> Exited { get; } = [];

        public List<string> Removed { get; } = [];

        public bool FilteredByConsent { get; set; }

        public void Send(string key, string name, long seq, List<string> enter, List<string> leave)
        {
            _changed = true;
            foreach (var (destination, kind) in enter.Select(d => (d, AudienceDeliveryKinds.Entered))
                .Concat(leave.Select(d => (d, AudienceDeliveryKinds.Exited))))
            {
                _deliveries.Add(new AudienceDelivery($"{key}:{profileId}:{destination}:{seq}", destination, key, name, profileId, kind, now));
            }
        }

        public MembershipOutcome ToOutcome() => new(_deliveries, Entered, Exited, Removed, _changed || Removed.Count > 0, FilteredByConsent);
    }
}
