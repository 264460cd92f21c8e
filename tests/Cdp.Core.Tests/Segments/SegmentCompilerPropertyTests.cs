using Cdp.Core.Profiles;
using Cdp.Core.Segments.Language;
using CsCheck;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>The compiled evaluator agrees with <see cref="ReferenceEvaluator"/> on random profiles and definitions.</summary>
public sealed class SegmentCompilerPropertyTests
{
    /// <summary>Where lists drawn from a pool, so random profiles can hold counts under their keys.</summary>
    private static readonly string[] WhereLists =
    [
        """[{"property":"total","op":"gt","value":50}]""",
        """[{"property":"currency","op":"eq","value":"EUR"},{"property":"total","op":"lte","value":20}]""",
        """[{"property":"coupon","op":"exists"}]""",
    ];

    private static readonly Dictionary<string, string> KeysByWhere = WhereLists.ToDictionary(
        w => w,
        w => Compile($$"""{"event":"Order Completed","where":{{w}}}""").Needs.Filters[0].Key,
        StringComparer.Ordinal);

    private static readonly string[] TextValues = ["\"pro\"", "\"Pro\"", "\"free\"", "\"p\"", "\"2025-03-01\"", "\"2025-03-10T12:00:00+02:00\"", "\"-P7D\"", "\"+P1D\"", "\"42\"", "\"\""];
    private static readonly string[] NumberValues = ["0", "1", "3", "17.5", "42", "-2", "100"];
    private static readonly string[] Scalars = [.. TextValues, .. NumberValues, "true", "false"];
    private static readonly string[] Ops = ["eq", "neq", "in", "contains", "startsWith", "gt", "gte", "lt", "lte", "exists", "between"];
    private static readonly string[] FreeTraits = ["plan", "age", "tags", "signup", "missing"];
    private static readonly string[] NumberTraits = ["computed.eventCount", "computed.eventCounts.page"];
    private static readonly string[] DateTraits = ["computed.lastSeen"];

    private static readonly string[] PlainTexts = ["\"pro\"", "\"Pro\"", "\"free\"", "\"p\"", "\"42\"", "\"\""];
    private static readonly string[] Dates = ["\"-P3D\"", "\"-P1D\"", "\"2025-03-10\"", "\"+P1D\"", "\"2025-03-01\""];

    /// <summary>What a trait can be compared with: any value, values for ordering, and [low, high] pairs that are valid.</summary>
    private sealed record TraitSpec(string Name, Gen<string> Scalar, Gen<string> Ordered, Gen<string> Pair);

    /// <summary>Two values of one kind, lowest first (at Now, for dates), as between requires.</summary>
    private static Gen<string> Pair(string[] pool, Func<string, IComparable> order) =>
        Gen.Select(Gen.OneOf(pool), Gen.OneOf(pool)).Select((a, b) => order(a).CompareTo(order(b)) <= 0 ? $"[{a},{b}]" : $"[{b},{a}]");

    private static IComparable NumberOrder(string v) => decimal.Parse(v, System.Globalization.CultureInfo.InvariantCulture);

    private static IComparable TextOrder(string v) => new OrdinalText(v);

    private static IComparable DateOrder(string v)
    {
        var text = v.Trim('"');
        return SegmentDates.TryParseRelative(text, out var days) ? Now.AddDays(days)
            : SegmentDates.TryParseInstant(text, out var at) ? at
            : throw new ArgumentException("not a date: " + v, nameof(v));
    }

    private sealed record OrdinalText(string Value) : IComparable
    {
        public int CompareTo(object? obj) => string.CompareOrdinal(Value, ((OrdinalText)obj!).Value);
    }

    private static readonly Gen<string> AnyPair = Gen.OneOf(Pair(NumberValues, NumberOrder), Pair(PlainTexts, TextOrder), Pair(Dates, DateOrder));

    private static readonly TraitSpec[] Specs =
    [
        .. FreeTraits.Select(t => new TraitSpec(t, Gen.OneOf(Scalars), Gen.OneOf([.. TextValues, .. NumberValues]), AnyPair)),
        .. NumberTraits.Select(t => new TraitSpec(t, Gen.OneOf(NumberValues), Gen.OneOf(NumberValues), Pair(NumberValues, NumberOrder))),
        .. DateTraits.Select(t => new TraitSpec(t, Gen.OneOf(Dates), Gen.OneOf(Dates), Pair(Dates, DateOrder))),
    ];

    private static Gen<string> Value(string op, TraitSpec spec) => op switch
    {
        "exists" => Gen.OneOf("", ",\"value\":true", ",\"value\":false"),
        "startsWith" => Gen.OneOf(TextValues).Select(v => ",\"value\":" + v),
        "in" => spec.Scalar.Array[1, 3].Select(v => ",\"value\":[" + string.Join(',', v) + "]"),
        "between" => spec.Pair.Select(v => ",\"value\":" + v),
        "gt" or "gte" or "lt" or "lte" => spec.Ordered.Select(v => ",\"value\":" + v),
        _ => spec.Scalar.Select(v => ",\"value\":" + v),
    };

    private static readonly Gen<string> Trait =
        Gen.OneOf(Specs).SelectMany(spec => Gen.OneOf(Ops).SelectMany(op => Value(op, spec).Select(v => $$"""{"trait":"{{spec.Name}}","op":"{{op}}"{{v}}}""")));

    private static readonly Gen<string> Event =
        Gen.Select(
            Gen.OneOf("Order Completed", "page"),
            Gen.OneOf("", ",\"count\":{\"gte\":2}", ",\"count\":{\"lt\":3}", ",\"count\":{\"eq\":0}", ",\"count\":{\"gt\":1}", ",\"count\":{\"lte\":1}"),
            Gen.OneOf("", ",\"within\":\"P1D\"", ",\"within\":\"P7D\"", ",\"within\":\"P30D\"", ",\"within\":\"P2W\""),
            Gen.Frequency((2, Gen.Const("")), (1, Gen.OneOf(WhereLists).Select(w => ",\"where\":" + w))))
        .Select((name, count, within, where) => $$"""{"event":"{{(where.Length > 0 ? "Order Completed" : name)}}"{{count}}{{within}}{{where}}}""");

    private static readonly Gen<string> Consent = Gen.OneOf("""{"consent":"marketing"}""", """{"consent":"analytics"}""");

    private static Gen<string> Condition(int depth) => depth == 0
        ? Gen.Frequency((3, Trait), (2, Event), (1, Consent))
        : Gen.Frequency(
            (3, Trait), (2, Event), (1, Consent),
            (1, Condition(depth - 1).Array[1, 3].Select(c => "{\"all\":[" + string.Join(',', c) + "]}")),
            (1, Condition(depth - 1).Array[1, 3].Select(c => "{\"any\":[" + string.Join(',', c) + "]}")),
            (1, Condition(depth - 1).Select(c => "{\"not\":" + c + "}")));

    private static readonly Gen<string> TraitJson = Gen.OneOf(
        "\"pro\"", "\"Pro\"", "\"pro plan\"", "17.5", "42", "\"42\"", "3", "true", "false", "null", "\"2025-03-01T00:00:00Z\"",
        "\"2025-03-10T10:00:00Z\"", "\"2025-03-14T15:09:26Z\"", "[\"pro\",3]", "[]", "{\"a\":1}", "\"\"");

    private static readonly Gen<Profile> Profiles =
        Gen.Select(
            Gen.Select(TraitJson, TraitJson, TraitJson, TraitJson).Array[0, 1],
            Gen.Int[0, 20], Gen.Int[-6, 1], Gen.Bool.Array[2],
            Gen.Select(Gen.Int[-40, 2], Gen.OneOf(["Order Completed", "page", .. KeysByWhere.Values]), Gen.Int[1, 3]).Array[0, 12])
        .Select((traits, events, lastSeen, consent, counts) =>
        {
            var profile = NewProfile();
            if (traits.Length > 0)
            {
                var (plan, age, tags, signup) = traits[0];
                foreach (var (name, json) in new[] { ("plan", plan), ("age", age), ("tags", tags), ("signup", signup) })
                {
                    profile.Traits[name] = new TraitValue(Json(json), Now, "test");
                }
            }

            profile.Computed.EventCount = events;
            profile.Computed.EventCounts["page"] = events / 2;
            profile.Computed.LastSeen = lastSeen == 1 ? null : Now.AddDays(lastSeen);
            profile.Consent["marketing"] = new ConsentState(consent[0], Now, "web");
            if (consent[1])
            {
                profile.Consent["analytics"] = new ConsentState(true, Now, "web");
            }

            foreach (var (day, key, n) in counts)
            {
                profile.Counted(key, Now.AddDays(day), n);
            }

            return profile;
        });

    [Fact]
    public void Matches_RandomDefinitionsAndProfiles_AgreesWithTheReferenceEvaluator()
    {
        var reference = new ReferenceEvaluator(KeysByWhere);
        Gen.Select(Condition(3), Profiles.Array[1, 6], Gen.Int[-2, 2]).Sample((definition, profiles, shift) =>
        {
            var compilation = Compiler.Compile(Json(definition));
            Assert.True(compilation.Problems.Count == 0, definition + ": " + string.Join("; ", compilation.Problems));
            var now = Now.AddHours(shift * 7);
            foreach (var profile in profiles)
            {
                Assert.True(
                    reference.Matches(Json(definition), profile, now) == compilation.Segment!.Matches(profile, now),
                    $"{definition} disagrees on traits {string.Join(", ", profile.Traits.Select(t => t.Key + "=" + t.Value.Value.GetRawText()))}");
            }
        }, iter: 2000);
    }

    [Fact]
    public void Needs_RandomDefinition_ListsAKeyForEveryWhereListUsed()
    {
        Condition(3).Sample(definition =>
        {
            var needs = Compile(definition).Needs;
            var used = WhereLists.Where(w => definition.Contains(w, StringComparison.Ordinal)).Select(w => KeysByWhere[w]).Order(StringComparer.Ordinal);

            Assert.Equal(used, needs.Filters.Select(f => f.Key).Order(StringComparer.Ordinal));
        });
    }
}
