namespace Cdp.Core.Segments.Language;

/// <summary>
/// A parsed segment definition (DESIGN §8): groups (<see cref="AllOf"/>, <see cref="AnyOf"/>, <see cref="NotCondition"/>)
/// over trait, event and consent conditions. Values are already parsed (<see cref="Operand"/>), so compiling never
/// reads JSON again.
/// </summary>
public abstract record SegmentCondition;

/// <summary><c>{"all": [...]}</c>: every condition holds.</summary>
public sealed record AllOf(IReadOnlyList<SegmentCondition> Conditions) : SegmentCondition;

/// <summary><c>{"any": [...]}</c>: at least one condition holds.</summary>
public sealed record AnyOf(IReadOnlyList<SegmentCondition> Conditions) : SegmentCondition;

/// <summary><c>{"not": c}</c>: the condition does not hold.</summary>
public sealed record NotCondition(SegmentCondition Condition) : SegmentCondition;

/// <summary>
/// <c>{"trait": "plan", "op": "eq", "value": "pro"}</c>. <see cref="Trait"/> is a trait name, a dotted path into an
/// object trait, or a computed trait under <c>computed.</c> (see <see cref="TraitPath"/>).
/// </summary>
public sealed record TraitCondition(string Trait, Comparison Comparison) : SegmentCondition;

/// <summary>
/// <c>{"event": "Order Completed", "count": {"gte": 2}, "within": "P30D", "where": [...]}</c>: how many times the
/// event (a track event's name, or a call type such as <c>page</c>) happened, counted from the profile's daily rollups.
/// <c>count</c> defaults to <c>{"gte": 1}</c>. <c>within PnD</c> evaluated at <c>now</c> covers the UTC days from
/// <c>(now − n days)</c>'s date through <c>now</c>'s date, both included; <see cref="WithinDays"/> is null when every
/// day kept counts. Days after <c>now</c>'s date (events dated in the future) never count.
/// </summary>
public sealed record EventCondition(
    string Event, CountOperator CountOperator, long Count, int? WithinDays, IReadOnlyList<PropertyFilter> Where) : SegmentCondition;

/// <summary><c>{"consent": "marketing"}</c>: the purpose (resolved from any alias) is granted now.</summary>
public sealed record ConsentCondition(string Purpose) : SegmentCondition;

/// <summary>One where-filter of an event condition: <c>{"property": "total", "op": "gt", "value": 50}</c>.</summary>
public sealed record PropertyFilter(string Property, Comparison Comparison);

/// <summary>An operator with its parsed value (null for <c>exists</c> without a value).</summary>
public sealed record Comparison(ValueOperator Operator, Operand? Value);

public enum ValueOperator
{
    Eq,
    Neq,
    In,
    Contains,
    StartsWith,
    Gt,
    Gte,
    Lt,
    Lte,
    Exists,
    Between,
}

public enum CountOperator
{
    Gte,
    Gt,
    Lte,
    Lt,
    Eq,
}

/// <summary>
/// A value from a definition, parsed once. A JSON string sets <see cref="Text"/> and, when it is an ISO-8601
/// date/time, <see cref="Instant"/>, or when it is a relative date such as <c>-P30D</c>, <see cref="DaysFromNow"/>.
/// A JSON number sets <see cref="Number"/>, true/false <see cref="Boolean"/>, an array <see cref="Items"/>.
/// </summary>
public sealed record Operand
{
    public string? Text { get; init; }
    public decimal? Number { get; init; }
    public bool? Boolean { get; init; }
    public DateTimeOffset? Instant { get; init; }

    /// <summary>Relative date: the evaluation time plus this many days (negative = in the past).</summary>
    public int? DaysFromNow { get; init; }

    public IReadOnlyList<Operand>? Items { get; init; }

    /// <summary>True when the value compares as a point in time (an ISO-8601 date/time or a relative date).</summary>
    public bool IsDate => Instant is not null || DaysFromNow is not null;

    /// <summary>The point in time this value stands for at <paramref name="now"/>; null when it is not a date.</summary>
    public DateTimeOffset? InstantAt(DateTimeOffset now) => Instant ?? (DaysFromNow is { } days ? now.AddDays(days) : null);
}
