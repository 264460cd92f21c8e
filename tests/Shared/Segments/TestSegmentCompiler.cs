using System.Text.Json;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;

namespace Cdp.Tests.Segments;

/// <summary>
/// A stand-in for the segment language, so membership can be tested on its own: a small subset of DESIGN §8 read from
/// traits, computed traits and consent. <c>{"trait", "op": "eq", "value"}</c>, <c>{"event", "count": {"gte": n}}</c>
/// (lifetime counts), <c>{"lastSeenWithinDays": n}</c>, <c>{"consent": purpose}</c> and <c>{"all": [...]}</c>.
/// </summary>
internal sealed class TestSegmentCompiler : ISegmentCompiler
{
    public SegmentCompilation Compile(JsonElement definition, string path = "$.definition")
    {
        var problems = new List<SegmentProblem>();
        var match = Condition(definition, path, problems);
        return problems.Count == 0 ? new SegmentCompilation(new Compiled(match!), []) : new SegmentCompilation(null, problems);
    }

    private static Func<Profile, DateTimeOffset, bool>? Condition(JsonElement c, string path, List<SegmentProblem> problems)
    {
        if (c.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new(path, "a condition is an object"));
            return null;
        }

        if (c.TryGetProperty("all", out var all) && all.ValueKind == JsonValueKind.Array)
        {
            var parts = all.EnumerateArray().Select((p, i) => Condition(p, $"{path}.all[{i}]", problems)).ToList();
            return parts.Any(p => p is null) ? null : (profile, now) => parts.All(p => p!(profile, now));
        }

        if (c.TryGetProperty("trait", out var trait) && c.TryGetProperty("value", out var value))
        {
            if (!c.TryGetProperty("op", out var op) || op.GetString() != "eq")
            {
                problems.Add(new(path + ".op", "only eq is known to the test compiler"));
                return null;
            }

            var (name, expected) = (trait.GetString()!, value.GetRawText());
            return (profile, _) => profile.Traits.TryGetValue(name, out var t) && t.Value.GetRawText() == expected;
        }

        if (c.TryGetProperty("event", out var e))
        {
            var (name, least) = (e.GetString()!, c.TryGetProperty("count", out var count) ? count.GetProperty("gte").GetInt64() : 1);
            return (profile, _) => profile.Computed.EventCounts.GetValueOrDefault(name) >= least;
        }

        if (c.TryGetProperty("lastSeenWithinDays", out var days))
        {
            var window = TimeSpan.FromDays(days.GetInt32());
            return (profile, now) => profile.Computed.LastSeen is { } seen && now - seen <= window;
        }

        if (c.TryGetProperty("consent", out var purpose))
        {
            var p = purpose.GetString()!;
            return (profile, _) => profile.Consent.TryGetValue(p, out var state) && state.Granted;
        }

        problems.Add(new(path, "not a condition the test compiler knows"));
        return null;
    }

    private sealed class Compiled(Func<Profile, DateTimeOffset, bool> match) : CompiledSegment
    {
        public override RollupNeeds Needs => RollupNeeds.None;

        public override bool Matches(Profile profile, DateTimeOffset now) => match(profile, now);
    }
}
