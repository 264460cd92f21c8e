using System.Text.Json;
using Cdp.Core.Profiles;

namespace Cdp.Core.Segments.Language;

/// <summary>
/// Compiles a definition once into nested delegates closed over parsed values: evaluating a profile reads its
/// traits, computed traits, consent and rollups, never the JSON. Event conditions with a <c>where</c> read the
/// filtered count kept under <see cref="RollupFilter.Key"/>; without one, the plain count under the event name or
/// call type (as <see cref="ProfileUpdater.CountKey"/> keys it).
/// </summary>
public sealed class SegmentCompiler(SegmentDefinitionParser parser) : ISegmentCompiler
{
    public SegmentCompilation Compile(JsonElement definition, string path = "$.definition")
    {
        var parsed = parser.Parse(definition, path);
        return parsed.Condition is { } condition ? new SegmentCompilation(Compile(condition), []) : new SegmentCompilation(null, parsed.Problems);
    }

    /// <summary>Compiles an already parsed (so valid) condition tree.</summary>
    public static CompiledSegment Compile(SegmentCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var needs = new Needs();
        var check = Build(condition, needs);
        return new Compiled(check, new RollupNeeds(needs.Filters.Values.ToList(), TimeSpan.FromDays(needs.LongestDays)));
    }

    private static Func<Profile, DateTimeOffset, bool> Build(SegmentCondition condition, Needs needs)
    {
        switch (condition)
        {
            case AllOf all:
                return Every(all.Conditions.Select(c => Build(c, needs)).ToArray());
            case AnyOf any:
                return Some(any.Conditions.Select(c => Build(c, needs)).ToArray());
            case NotCondition not:
                var inner = Build(not.Condition, needs);
                return (p, now) => !inner(p, now);
            case TraitCondition trait:
                var read = TraitPath.Resolve(trait.Trait, sums: null).Reader!;
                var test = ValuePredicates.Build(trait.Comparison);
                return (p, now) => test(read(p), now);
            case ConsentCondition consent:
                var purpose = consent.Purpose;
                return (p, _) => p.Consent.TryGetValue(purpose, out var state) && state.Granted;
            case EventCondition e:
                var counter = new EventCounter(CountKey(e, needs), e.CountOperator, e.Count, e.WithinDays);
                needs.LongestDays = Math.Max(needs.LongestDays, e.WithinDays ?? 0);
                return (p, now) => counter.Matches(p.Rollups, now);
            default:
                throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "unknown condition");
        }
    }

    // Plain loops: a lambda per call would allocate on every evaluation of every profile.
    private static Func<Profile, DateTimeOffset, bool> Every(Func<Profile, DateTimeOffset, bool>[] conditions) => (p, now) =>
    {
        foreach (var condition in conditions)
        {
            if (!condition(p, now))
            {
                return false;
            }
        }

        return true;
    };

    private static Func<Profile, DateTimeOffset, bool> Some(Func<Profile, DateTimeOffset, bool>[] conditions) => (p, now) =>
    {
        foreach (var condition in conditions)
        {
            if (condition(p, now))
            {
                return true;
            }
        }

        return false;
    };

    private static string CountKey(EventCondition e, Needs needs)
    {
        if (e.Where.Count == 0)
        {
            return e.Event;
        }

        var key = FilterKey.Of(e.Event, e.Where);
        if (!needs.Filters.ContainsKey(key))
        {
            needs.Filters[key] = new RollupFilter(key, e.Event, Passes(e.Where));
        }

        return key;
    }

    /// <summary>True when the event's properties pass every filter (evaluated once per event, on ingest).</summary>
    private static Func<IReadOnlyDictionary<string, JsonElement>?, bool> Passes(IReadOnlyList<PropertyFilter> where)
    {
        var tests = where.Select(f => (Read: TraitPath.PropertyReader(f.Property), Test: ValuePredicates.Build(f.Comparison))).ToArray();
        return properties =>
        {
            foreach (var (read, test) in tests)
            {
                if (!test(read(properties), default))
                {
                    return false;
                }
            }

            return true;
        };
    }

    private sealed class Needs
    {
        public Dictionary<string, RollupFilter> Filters { get; } = new(StringComparer.Ordinal);
        public int LongestDays { get; set; }
    }

    private sealed class Compiled(Func<Profile, DateTimeOffset, bool> check, RollupNeeds needs) : CompiledSegment
    {
        public override RollupNeeds Needs { get; } = needs;

        public override bool Matches(Profile profile, DateTimeOffset now)
        {
            ArgumentNullException.ThrowIfNull(profile);
            return check(profile, now);
        }
    }
}
