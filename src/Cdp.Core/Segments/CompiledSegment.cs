using System.Text.Json;
using Cdp.Core.Profiles;

namespace Cdp.Core.Segments;

/// <summary>
/// A definition compiled once into delegates: evaluating it reads the profile (traits, computed traits, consent,
/// rollups) and never the definition's JSON.
/// </summary>
public abstract class CompiledSegment
{
    /// <summary>True when the profile is in the segment at <paramref name="now"/>.</summary>
    public abstract bool Matches(Profile profile, DateTimeOffset now);

    /// <summary>The rollups its event conditions read.</summary>
    public abstract RollupNeeds Needs { get; }
}

/// <summary>The where-filtered counts and the longest window a compiled segment reads from <see cref="Profile.Rollups"/>.</summary>
public sealed record RollupNeeds(IReadOnlyList<RollupFilter> Filters, TimeSpan LongestWindow)
{
    public static readonly RollupNeeds None = new([], TimeSpan.Zero);
}

/// <summary>
/// A where-filtered event count kept in <see cref="DayRollup.Counts"/> under <see cref="Key"/> ("{event}#{hash}").
/// <see cref="Passes"/> is given the event's properties (null when it has none).
/// </summary>
public sealed record RollupFilter(string Key, string Event, Func<IReadOnlyDictionary<string, JsonElement>?, bool> Passes);

/// <summary>Compiles definitions; every problem comes back with its JSON path, none is thrown.</summary>
public interface ISegmentCompiler
{
    /// <param name="definition">The condition (the <c>definition</c> member of a segment body).</param>
    /// <param name="path">The JSON path of <paramref name="definition"/> in the request, used in problem paths.</param>
    SegmentCompilation Compile(JsonElement definition, string path = "$.definition");
}

/// <summary>A compiled segment, or the problems that prevented it (never both).</summary>
public sealed record SegmentCompilation(CompiledSegment? Segment, IReadOnlyList<SegmentProblem> Problems);

/// <summary>What ingest records into rollups: the filters of every segment in use and how many days to keep.</summary>
public sealed record RollupPlan(IReadOnlyList<RollupFilter> Filters, int KeepDays)
{
    /// <summary>Plain counts and sums only, for a default window when no segment needs more.</summary>
    public static RollupPlan Default(int keepDays) => new([], keepDays);
}

/// <summary>Port: the rollup plan of the segments currently defined (the segment catalog implements it).</summary>
public interface IRollupPlanSource
{
    RollupPlan Current { get; }
}
