using System.Globalization;
using System.Text.Json;
using Cdp.Core.Profiles;
using Cdp.Core.Segments.Language;
using Cdp.Core.Segments.Rollups;

namespace Cdp.Core.Tests.Segments;

/// <summary>
/// The segment language read the slow, obvious way: the definition's JSON is interpreted on every call. The compiled
/// evaluator must agree with it. Where-filtered counts are looked up by the raw text of the where list
/// (<paramref name="filterKeys"/>), so this never needs the key's hash.
/// </summary>
internal sealed class ReferenceEvaluator(IReadOnlyDictionary<string, string> filterKeys)
{
    public bool Matches(JsonElement c, Profile p, DateTimeOffset now)
    {
        if (c.TryGetProperty("all", out var all))
        {
            return all.EnumerateArray().All(x => Matches(x, p, now));
        }

        if (c.TryGetProperty("any", out var any))
        {
            return any.EnumerateArray().Any(x => Matches(x, p, now));
        }

        if (c.TryGetProperty("not", out var not))
        {
            return !Matches(not, p, now);
        }

        if (c.TryGetProperty("consent", out var purpose))
        {
            return p.Consent.TryGetValue(purpose.GetString()!, out var state) && state.Granted;
        }

        if (c.TryGetProperty("event", out var name))
        {
            return EventMatches(c, name.GetString()!, p, now);
        }

        var actual = Read(p, c.GetProperty("trait").GetString()!);
        var op = c.GetProperty("op").GetString()!;
        c.TryGetProperty("value", out var value);
        return op switch
        {
            "exists" => (value.ValueKind != JsonValueKind.False) == (actual is not null && !(actual is JsonElement { ValueKind: JsonValueKind.Null })),
            "eq" => Eq(actual, value, now),
            "neq" => !Eq(actual, value, now),
            "in" => value.EnumerateArray().Any(v => Eq(actual, v, now)),
            "contains" => actual is JsonElement { ValueKind: JsonValueKind.String } s
                ? value.ValueKind == JsonValueKind.String && s.GetString()!.Contains(value.GetString()!, StringComparison.Ordinal)
                : actual is JsonElement { ValueKind: JsonValueKind.Array } list && list.EnumerateArray().Any(i => Eq(i, value, now)),
            "startsWith" => actual is JsonElement { ValueKind: JsonValueKind.String } t && t.GetString()!.StartsWith(value.GetString()!, StringComparison.Ordinal),
            "gt" => Cmp(actual, value, now) is > 0,
            "gte" => Cmp(actual, value, now) is >= 0,
            "lt" => Cmp(actual, value, now) is < 0,
            "lte" => Cmp(actual, value, now) is <= 0,
            "between" => Cmp(actual, value[0], now) is >= 0 && Cmp(actual, value[1], now) is <= 0,
            _ => throw new InvalidOperationException(op),
        };
    }

    private bool EventMatches(JsonElement c, string name, Profile p, DateTimeOffset now)
    {
        var key = c.TryGetProperty("where", out var where) ? filterKeys[where.GetRawText()] : name;
        var today = RollupDays.Of(now);
        int? within = c.TryGetProperty("within", out var w) ? Days(w.GetString()!) : null;
        long total = 0;
        foreach (var (day, rollup) in p.Rollups.Days)
        {
            var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (date <= today && (within is null || date >= today.AddDays(-within.Value)))
            {
                total += rollup.Counts.GetValueOrDefault(key);
            }
        }

        var (op, n) = c.TryGetProperty("count", out var count) ? (count.EnumerateObject().First().Name, count.EnumerateObject().First().Value.GetInt64()) : ("gte", 1L);
        return op switch
        {
            "gte" => total >= n,
            "gt" => total > n,
            "lte" => total <= n,
            "lt" => total < n,
            _ => total == n,
        };
    }

    private static int Days(string duration) =>
        int.Parse(duration[1..^1], CultureInfo.InvariantCulture) * (duration[^1] == 'W' ? 7 : 1);

    /// <summary>Missing is null; computed numbers are decimals, computed dates DateTimeOffsets; traits stay JSON.</summary>
    private static object? Read(Profile p, string name) => name switch
    {
        "computed.eventCount" => (decimal)p.Computed.EventCount,
        "computed.lastSeen" => p.Computed.LastSeen,
        "computed.lastChannel" => p.Computed.LastChannel is { } channel ? JsonDocument.Parse("\"" + JsonEncodedText.Encode(channel).Value + "\"").RootElement : null,
        _ when name.StartsWith("computed.eventCounts.", StringComparison.Ordinal) => (decimal)p.Computed.EventCounts.GetValueOrDefault(name[21..]),
        _ => p.Traits.TryGetValue(name, out var trait) ? trait.Value : null,
    };

    private static decimal? Number(object? a) => a switch
    {
        decimal d => d,
        JsonElement { ValueKind: JsonValueKind.Number } n => n.GetDecimal(),
        JsonElement { ValueKind: JsonValueKind.String } s when decimal.TryParse(s.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static DateTimeOffset? Date(object? a) => a switch
    {
        DateTimeOffset d => d,
        JsonElement { ValueKind: JsonValueKind.String } s when SegmentDates.TryParseInstant(s.GetString(), out var d) => d,
        _ => null,
    };

    private static DateTimeOffset? DateValue(JsonElement v, DateTimeOffset now)
    {
        var text = v.GetString()!;
        if (text.Length > 1 && (text[0] == '-' || text[0] == '+') && text[1] == 'P')
        {
            var days = Days(text[1..]);
            return now.AddDays(text[0] == '-' ? -days : days);
        }

        return SegmentDates.TryParseInstant(text, out var instant) ? instant : null;
    }

    private static bool Eq(object? a, JsonElement v, DateTimeOffset now)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                return a is JsonElement e && e.ValueKind == v.ValueKind;
            case JsonValueKind.Number:
                return Number(a) == v.GetDecimal();
            default:
                if (DateValue(v, now) is { } when && Date(a) is { } actual)
                {
                    return actual == when;
                }

                return a is JsonElement { ValueKind: JsonValueKind.String } s && s.GetString() == v.GetString();
        }
    }

    private static int? Cmp(object? a, JsonElement v, DateTimeOffset now)
    {
        if (v.ValueKind == JsonValueKind.Number)
        {
            return Number(a) is { } n ? n.CompareTo(v.GetDecimal()) : null;
        }

        if (DateValue(v, now) is { } when)
        {
            return Date(a) is { } actual ? actual.CompareTo(when) : null;
        }

        return a is JsonElement { ValueKind: JsonValueKind.String } s ? string.CompareOrdinal(s.GetString(), v.GetString()) : null;
    }
}
