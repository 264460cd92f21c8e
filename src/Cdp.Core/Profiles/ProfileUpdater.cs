using System.Text.Json;
using Cdp.Core.Consent;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Segments;
using Cdp.Core.Segments.Rollups;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Profiles;

/// <summary>
/// Applies one event to a profile: traits (last write wins by event time), consent, identifiers, computed traits and
/// the daily rollups segments read.
/// </summary>
public sealed class ProfileUpdater(
    IOptions<ProcessingOptions> options,
    IOptions<ProfileOptions> profileOptions,
    TraitSurvivorship survivorship,
    ConsentRecorder consent,
    RollupRecorder rollups,
    IRollupPlanSource rollupPlans)
{
    private static readonly string[] TimelineContextKeys = ["page", "campaign", "channel", "library", "screen", "app"];
    private readonly int _recentLimit = options.Value.RecentMessageIdsPerProfile;
    private readonly List<SumRule> _sums = profileOptions.Value.Sums;

    /// <summary>False when the profile already holds this message (a redelivery): nothing changes.</summary>
    public bool Apply(Profile profile, SegmentEvent e, IReadOnlyList<HashedIdentifier> identifiers)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(identifiers);
        var messageId = e.MessageId!;
        if (profile.RecentMessageIds.Contains(messageId))
        {
            return false;
        }

        var at = e.Timestamp ?? e.ReceivedAt ?? profile.UpdatedAt;
        var source = e.SourceId ?? "unknown";
        if (e.Type == EventTypes.Identify && e.Traits is { } traits)
        {
            foreach (var (name, value) in traits)
            {
                var candidate = new TraitValue(value, at, source);
                if (survivorship.Replaces(name, candidate, profile.Traits.GetValueOrDefault(name)))
                {
                    profile.Traits[name] = candidate with { Value = value.Clone() };
                }
            }
        }

        consent.RecordFromEvent(profile, e, at, source);
        foreach (var id in identifiers)
        {
            if (!profile.Identifiers.Exists(p => p.IdentityId == id.IdentityId))
            {
                profile.Identifiers.Add(new ProfileIdentifier(id.Type, id.Value, id.IdentityId, at));
                profile.AddHistory(new ProfileHistoryEntry(at, HistoryKinds.IdentifierAdded, $"{id.Type} added",
                    IdentityId: id.IdentityId, MessageId: messageId));
            }
        }

        var computed = profile.Computed;
        computed.FirstSeen = computed.FirstSeen is { } first && first <= at ? first : at;
        computed.LastSeen = computed.LastSeen is { } last && last >= at ? last : at;
        computed.EventCount++;
        var key = CountKey(e);
        computed.EventCounts[key] = computed.EventCounts.GetValueOrDefault(key) + 1;
        AddSums(computed, e);
        if (computed.LastSeen == at)
        {
            computed.LastChannel = Channel(e);
            computed.LastSource = source;
        }

        rollups.Record(profile, e, rollupPlans.Current);

        profile.RecentMessageIds.Add(messageId);
        if (profile.RecentMessageIds.Count > _recentLimit)
        {
            profile.RecentMessageIds.RemoveRange(0, profile.RecentMessageIds.Count - _recentLimit);
        }

        return true;
    }

    private void AddSums(ComputedTraits computed, SegmentEvent e)
    {
        if (e.Type != EventTypes.Track || e.Properties is null)
        {
            return;
        }

        foreach (var rule in _sums)
        {
            if (rule.Event == e.Event && e.Properties.TryGetValue(rule.Property, out var value) && TryGetNumber(value, out var number))
            {
                try
                {
                    computed.Sums[rule.Key] = computed.Sums.GetValueOrDefault(rule.Key) + number;
                }
                catch (OverflowException)
                {
                    // A sum beyond decimal's range (7.9e28) is garbage input; the event still counts.
                }
            }
        }
    }

    /// <summary>A JSON number, or text that reads as one: how summed properties are read.</summary>
    internal static bool TryGetNumber(JsonElement value, out decimal number)
    {
        number = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDecimal(out number),
            JsonValueKind.String => decimal.TryParse(value.GetString(), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    /// <summary>context.channel when the SDK sends it; otherwise what the call type implies.</summary>
    private static string Channel(SegmentEvent e)
    {
        if (e.Context?.TryGetValue("channel", out var channel) == true && channel.ValueKind == JsonValueKind.String)
        {
            return channel.GetString()!;
        }

        return e.Type switch
        {
            EventTypes.Page => "web",
            EventTypes.Screen => "mobile",
            _ => e.Context?.ContainsKey("library") == true ? "server" : "unknown",
        };
    }

    /// <summary>Track calls count by event name; the other calls by their type.</summary>
    public static string CountKey(SegmentEvent e) =>
        e.Type == EventTypes.Track && !string.IsNullOrEmpty(e.Event) ? e.Event : e.Type ?? "unknown";

    public static TimelineEvent ToTimeline(string profileId, SegmentEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Dictionary<string, JsonElement>? context = null;
        if (e.Context is { } full)
        {
            foreach (var key in TimelineContextKeys)
            {
                if (full.TryGetValue(key, out var value))
                {
                    (context ??= new(StringComparer.Ordinal))[key] = value;
                }
            }
        }

        return new TimelineEvent
        {
            Id = e.MessageId!,
            ProfileId = profileId,
            Type = e.Type!,
            Name = e.Type == EventTypes.Track ? e.Event : e.Name,
            Timestamp = e.Timestamp ?? e.ReceivedAt ?? default,
            ReceivedAt = e.ReceivedAt ?? default,
            SourceId = e.SourceId,
            Properties = e.Properties,
            Context = context,
        };
    }
}
