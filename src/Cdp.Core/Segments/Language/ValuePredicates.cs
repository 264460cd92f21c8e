namespace Cdp.Core.Segments.Language;

/// <summary>
/// Turns a <see cref="Comparison"/> into a delegate over a <see cref="SegmentValue"/>. The rules, as a marketer sees them:
/// <list type="bullet">
/// <item>Numbers compare numerically; a trait holding text that reads as a number ("49.90") compares as that number.</item>
/// <item>When the value is a date (ISO-8601 or relative such as <c>-P30D</c>) and the trait holds a date (a computed
/// date or ISO-8601 text), both compare as instants, whatever their offsets.</item>
/// <item>Other text compares ordinally: case-sensitive, character by character ("Pro" is not "pro").</item>
/// <item>A missing trait, JSON null or a value of another type matches nothing, except <c>neq</c>, which is exactly
/// the opposite of <c>eq</c>, and <c>exists: false</c>.</item>
/// <item><c>between [low, high]</c> includes both ends; <c>contains</c> finds text in text or an item in a list;
/// <c>in</c> is <c>eq</c> to any item.</item>
/// </list>
/// </summary>
internal static class ValuePredicates
{
    public static Func<SegmentValue, DateTimeOffset, bool> Build(Comparison comparison)
    {
        var value = comparison.Value;
        return comparison.Operator switch
        {
            ValueOperator.Exists => Exists(value?.Boolean ?? true),
            ValueOperator.Eq => (actual, now) => AreEqual(actual, value!, now),
            ValueOperator.Neq => (actual, now) => !AreEqual(actual, value!, now),
            ValueOperator.In => In(value!.Items!),
            ValueOperator.Contains => (actual, now) => Contains(actual, value!, now),
            ValueOperator.StartsWith => (actual, _) => actual.Kind == ValueKind.Text && actual.Text!.StartsWith(value!.Text!, StringComparison.Ordinal),
            ValueOperator.Gt => (actual, now) => Compare(actual, value!, now) > 0,
            ValueOperator.Gte => (actual, now) => Compare(actual, value!, now) >= 0,
            ValueOperator.Lt => (actual, now) => Compare(actual, value!, now) < 0,
            ValueOperator.Lte => (actual, now) => Compare(actual, value!, now) <= 0,
            ValueOperator.Between => Between(value!.Items![0], value.Items[1]),
            _ => throw new ArgumentOutOfRangeException(nameof(comparison), comparison.Operator, "unknown operator"),
        };
    }

    private static Func<SegmentValue, DateTimeOffset, bool> Exists(bool expected) => (actual, _) => actual.IsPresent == expected;

    private static Func<SegmentValue, DateTimeOffset, bool> In(IReadOnlyList<Operand> items) => (actual, now) =>
    {
        foreach (var item in items)
        {
            if (AreEqual(actual, item, now))
            {
                return true;
            }
        }

        return false;
    };

    private static Func<SegmentValue, DateTimeOffset, bool> Between(Operand low, Operand high) =>
        (actual, now) => Compare(actual, low, now) >= 0 && Compare(actual, high, now) <= 0;

    public static bool AreEqual(SegmentValue actual, Operand value, DateTimeOffset now)
    {
        if (value.Boolean is { } expected)
        {
            return actual.Kind == ValueKind.Boolean && actual.Boolean == expected;
        }

        if (value.Number is { } number)
        {
            return actual.TryGetNumber(out var n) && n == number;
        }

        if (value.IsDate && actual.TryGetInstant(out var instant))
        {
            return instant == value.InstantAt(now);
        }

        return actual.Kind == ValueKind.Text && string.Equals(actual.Text, value.Text, StringComparison.Ordinal);
    }

    /// <summary>The sign of actual − value, or null when they do not compare (then no ordering operator matches).</summary>
    public static int? Compare(SegmentValue actual, Operand value, DateTimeOffset now)
    {
        if (value.Number is { } number)
        {
            return actual.TryGetNumber(out var n) ? n.CompareTo(number) : null;
        }

        if (value.IsDate)
        {
            return actual.TryGetInstant(out var instant) ? instant.CompareTo(value.InstantAt(now)!.Value) : null;
        }

        if (value.Text is { } text && actual.Kind == ValueKind.Text)
        {
            return Math.Sign(string.CompareOrdinal(actual.Text, text));
        }

        return null;
    }

    private static bool Contains(SegmentValue actual, Operand value, DateTimeOffset now)
    {
        if (actual.Kind == ValueKind.Text)
        {
            return value.Text is { } text && actual.Text!.Contains(text, StringComparison.Ordinal);
        }

        if (actual.Kind == ValueKind.Array)
        {
            foreach (var item in actual.Element.EnumerateArray())
            {
                if (AreEqual(SegmentValue.FromJson(item), value, now))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
