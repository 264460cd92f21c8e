using System.Text.Json;
using Cdp.Core.Profiles;

namespace Cdp.Core.Segments.Language;

/// <summary>
/// How a condition names what it reads.
/// <list type="bullet">
/// <item>A trait by its name (<c>plan</c>). A name with dots is first looked up whole (traits may contain dots, e.g.
/// <c>utm.source</c> sent flat); if there is no such trait, <c>address.city</c> reads member <c>city</c> of the
/// object trait <c>address</c>, and so on down. Event properties in <c>where</c> are read the same way.</item>
/// <item>Computed traits under <c>computed.</c>: <c>eventCount</c>, <c>firstSeen</c>, <c>lastSeen</c>,
/// <c>lastChannel</c>, <c>lastSource</c>, <c>eventCounts.&lt;event or call type&gt;</c> (0 when never seen) and
/// <c>sums.&lt;event&gt;.&lt;property&gt;</c> (0 when nothing summed; only sums configured in
/// <c>Cdp:Profiles:Sums</c> exist).</item>
/// </list>
/// </summary>
internal static class TraitPath
{
    public const string ComputedPrefix = "computed.";
    private const string CountsPrefix = "eventCounts.";
    private const string SumsPrefix = "sums.";

    /// <summary>Reads <paramref name="name"/> from a profile; the type tells the parser which values make sense.</summary>
    /// <param name="sums">The configured sum keys; null accepts any (a parsed tree was checked already).</param>
    public static (Func<Profile, SegmentValue>? Reader, TraitType Type, string? Problem) Resolve(string name, IReadOnlySet<string>? sums)
    {
        if (!name.StartsWith(ComputedPrefix, StringComparison.Ordinal))
        {
            var path = Split(name);
            return (profile => Read(profile.Traits, name, path, static t => t.Value), TraitType.Any, null);
        }

        var computed = name[ComputedPrefix.Length..];
        switch (computed)
        {
            case "eventCount":
                return (p => SegmentValue.FromNumber(p.Computed.EventCount), TraitType.Number, null);
            case "firstSeen":
                return (p => SegmentValue.FromInstant(p.Computed.FirstSeen), TraitType.Date, null);
            case "lastSeen":
                return (p => SegmentValue.FromInstant(p.Computed.LastSeen), TraitType.Date, null);
            case "lastChannel":
                return (p => SegmentValue.FromText(p.Computed.LastChannel), TraitType.Text, null);
            case "lastSource":
                return (p => SegmentValue.FromText(p.Computed.LastSource), TraitType.Text, null);
        }

        if (computed.StartsWith(CountsPrefix, StringComparison.Ordinal) && computed.Length > CountsPrefix.Length)
        {
            var key = computed[CountsPrefix.Length..];
            return (p => SegmentValue.FromNumber(p.Computed.EventCounts.GetValueOrDefault(key)), TraitType.Number, null);
        }

        if (computed.StartsWith(SumsPrefix, StringComparison.Ordinal))
        {
            var key = computed[SumsPrefix.Length..];
            return sums is null || sums.Contains(key)
                ? (p => SegmentValue.FromNumber(p.Computed.Sums.GetValueOrDefault(key)), TraitType.Number, null)
                : (null, TraitType.Any,
                    $"\"{key}\" is not summed; sums are kept only for the event properties listed in Cdp:Profiles:Sums" +
                    (sums.Count == 0 ? string.Empty : $" ({string.Join(", ", sums.Order(StringComparer.Ordinal))})"));
        }

        return (null, TraitType.Any,
            $"\"{name}\" is not a computed trait; use computed.eventCount, computed.firstSeen, computed.lastSeen, " +
            "computed.lastChannel, computed.lastSource, computed.eventCounts.<event> or computed.sums.<event>.<property>");
    }

    /// <summary>Reads an event property (or nested member) for a where-filter.</summary>
    public static Func<IReadOnlyDictionary<string, JsonElement>?, SegmentValue> PropertyReader(string name)
    {
        var path = Split(name);
        return properties => properties is null ? SegmentValue.Missing : Read(properties, name, path, static e => e);
    }

    private static string[]? Split(string name) => name.Contains('.', StringComparison.Ordinal) ? name.Split('.') : null;

    private static SegmentValue Read<T>(IReadOnlyDictionary<string, T> map, string name, string[]? path, Func<T, JsonElement> element)
    {
        if (map.TryGetValue(name, out var whole))
        {
            return SegmentValue.FromJson(element(whole));
        }

        if (path is null || !map.TryGetValue(path[0], out var head))
        {
            return SegmentValue.Missing;
        }

        var current = element(head);
        for (var i = 1; i < path.Length; i++)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(path[i], out current))
            {
                return SegmentValue.Missing;
            }
        }

        return SegmentValue.FromJson(current);
    }
}

/// <summary>What kind of value a trait holds, when known in advance (computed traits).</summary>
internal enum TraitType
{
    Any,
    Number,
    Date,
    Text,
}
