using System.Text.Json;
using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Segments.Language;
using Cdp.Core.Segments.Rollups;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Segments;

/// <summary>A compiler configured as a deployment would be, and profiles built from what a test cares about.</summary>
internal static class SegmentKit
{
    public static readonly DateTimeOffset Now = TestOptions.Now;

    public static readonly ProfileOptions ProfileOptions = new()
    {
        Sums = [new() { Event = "Order Completed", Property = "revenue" }, new() { Event = "Order Completed", Property = "total" }],
    };

    public static readonly ConsentPolicy Consent = new(Options.Create(new ConsentOptions
    {
        Aliases = new(StringComparer.OrdinalIgnoreCase) { ["Advertising"] = ConsentOptions.Marketing },
    }));

    public static readonly SegmentDefinitionParser Parser = new(Consent, Options.Create(ProfileOptions));

    public static readonly SegmentCompiler Compiler = new(Parser);

    public static RollupRecorder Recorder() => new(Options.Create(ProfileOptions));

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static CompiledSegment Compile(string definition)
    {
        var compilation = Compiler.Compile(Json(definition));
        Assert.True(compilation.Problems.Count == 0, string.Join("; ", compilation.Problems));
        return compilation.Segment!;
    }

    public static IReadOnlyList<SegmentProblem> Problems(string definition)
    {
        var compilation = Compiler.Compile(Json(definition));
        Assert.Null(compilation.Segment);
        return compilation.Problems;
    }

    public static bool Matches(string definition, Profile profile, DateTimeOffset? now = null) =>
        Compile(definition).Matches(profile, now ?? Now);

    public static Profile NewProfile(string id = "p-1") => new() { Id = id, CreatedAt = Now, UpdatedAt = Now };

    /// <summary>A profile with the given traits, each given as JSON ("\"pro\"", "42", "{\"city\":\"Oslo\"}").</summary>
    public static Profile WithTraits(params (string Name, string Json)[] traits)
    {
        var profile = NewProfile();
        foreach (var (name, json) in traits)
        {
            profile.Traits[name] = new TraitValue(Json(json), Now, "test");
        }

        return profile;
    }

    /// <summary>Adds <paramref name="count"/> to the rollup count <paramref name="key"/> on the UTC day of <paramref name="at"/>.</summary>
    public static Profile Counted(this Profile profile, string key, DateTimeOffset at, long count = 1)
    {
        var day = RollupDays.Key(at);
        if (!profile.Rollups.Days.TryGetValue(day, out var rollup))
        {
            rollup = new DayRollup();
            profile.Rollups.Days[day] = rollup;
        }

        rollup.Counts[key] = rollup.Counts.GetValueOrDefault(key) + count;
        return profile;
    }
}
