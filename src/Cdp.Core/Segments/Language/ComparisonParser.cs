using System.Text.Json;

namespace Cdp.Core.Segments.Language;

/// <summary>Reads <c>op</c> and <c>value</c> of a trait condition or a where-filter, reporting every problem.</summary>
internal static class ComparisonParser
{
    /// <summary>The longest list <c>in</c> accepts.</summary>
    public const int MaxListItems = 1000;

    private static readonly Dictionary<string, ValueOperator> Operators = new(StringComparer.Ordinal)
    {
        ["eq"] = ValueOperator.Eq,
        ["neq"] = ValueOperator.Neq,
        ["in"] = ValueOperator.In,
        ["contains"] = ValueOperator.Contains,
        ["startsWith"] = ValueOperator.StartsWith,
        ["gt"] = ValueOperator.Gt,
        ["gte"] = ValueOperator.Gte,
        ["lt"] = ValueOperator.Lt,
        ["lte"] = ValueOperator.Lte,
        ["exists"] = ValueOperator.Exists,
        ["between"] = ValueOperator.Between,
    };

    private static readonly string OperatorList = string.Join(", ", Operators.Keys);

    /// <param name="relativeDates">False in where-filters: an event's properties are judged once, when it arrives.</param>
    public static Comparison? Parse(JsonElement owner, string path, TraitType type, bool relativeDates, List<SegmentProblem> problems)
    {
        if (!owner.TryGetProperty("op", out var opElement))
        {
            problems.Add(new(path, $"needs an \"op\": one of {OperatorList}"));
            return null;
        }

        if (opElement.ValueKind != JsonValueKind.String || !Operators.TryGetValue(opElement.GetString()!, out var op))
        {
            problems.Add(new(path + ".op", $"{Show(opElement)} is not an operator; use one of {OperatorList}"));
            return null;
        }

        var hasValue = owner.TryGetProperty("value", out var value);
        var valuePath = path + ".value";
        if (!hasValue && op != ValueOperator.Exists)
        {
            problems.Add(new(path, $"\"{opElement.GetString()}\" needs a \"value\""));
            return null;
        }

        var before = problems.Count;
        Operand? operand = op switch
        {
            ValueOperator.Exists => hasValue ? ExistsValue(value, valuePath, problems) : null,
            ValueOperator.Eq or ValueOperator.Neq or ValueOperator.Contains => Scalar(value, valuePath, relativeDates, problems),
            ValueOperator.StartsWith => value.ValueKind == JsonValueKind.String
                ? new Operand { Text = value.GetString() }
                : Report(problems, valuePath, "startsWith needs text, such as \"https://\""),
            ValueOperator.In => List(value, valuePath, relativeDates, problems),
            ValueOperator.Between => Range(value, valuePath, relativeDates, problems),
            _ => Ordered(value, valuePath, relativeDates, problems),
        };

        if (problems.Count > before)
        {
            return null;
        }

        CheckType(op, operand, type, valuePath, problems);
        return problems.Count > before ? null : new Comparison(op, operand);
    }

    /// <summary>Counts and sums are numbers and computed dates are dates: ordering them by text would surprise.</summary>
    private static void CheckType(ValueOperator op, Operand? operand, TraitType type, string path, List<SegmentProblem> problems)
    {
        if (op is not (ValueOperator.Gt or ValueOperator.Gte or ValueOperator.Lt or ValueOperator.Lte or ValueOperator.Between))
        {
            return;
        }

        var values = operand?.Items ?? (operand is null ? [] : [operand]);
        if (type == TraitType.Number && values.Any(v => v.Number is null))
        {
            problems.Add(new(path, "this computed trait is a number; compare it with a number, such as 3"));
        }
        else if (type == TraitType.Date && values.Any(v => !v.IsDate))
        {
            problems.Add(new(path, "this computed trait is a date; compare it with a date such as \"2025-01-31\" or a relative date such as \"-P30D\""));
        }
    }

    private static Operand? ExistsValue(JsonElement value, string path, List<SegmentProblem> problems) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? new Operand { Boolean = value.GetBoolean() }
            : Report(problems, path, "exists takes no value, or true (the trait is set) or false (it is not)");

    /// <summary>Text, a number or true/false.</summary>
    public static Operand? Scalar(JsonElement value, string path, bool relativeDates, List<SegmentProblem> problems)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                return new Operand { Boolean = value.GetBoolean() };
            case JsonValueKind.Number:
                return value.TryGetDecimal(out var number)
                    ? new Operand { Number = number }
                    : Report(problems, path, $"{value.GetRawText()} is too large a number");
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (SegmentDates.TryParseRelative(text, out var days))
                {
                    return relativeDates
                        ? new Operand { Text = text, DaysFromNow = days }
                        : Report(problems, path, "a where filter cannot use a relative date; use a date such as \"2025-01-31\"");
                }

                return SegmentDates.TryParseInstant(text, out var instant)
                    ? new Operand { Text = text, Instant = instant }
                    : new Operand { Text = text };
            default:
                return Report(problems, path, "needs a value: text, a number or true/false");
        }
    }

    private static Operand? Ordered(JsonElement value, string path, bool relativeDates, List<SegmentProblem> problems) =>
        value.ValueKind is JsonValueKind.Number or JsonValueKind.String
            ? Scalar(value, path, relativeDates, problems)
            : Report(problems, path, "needs a number, a date such as \"2025-01-31\", or text");

    private static Operand? List(JsonElement value, string path, bool relativeDates, List<SegmentProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            return Report(problems, path, "in needs a list of values, such as [\"pro\", \"enterprise\"]");
        }

        if (value.GetArrayLength() > MaxListItems)
        {
            return Report(problems, path, $"in accepts at most {MaxListItems} values");
        }

        var items = new List<Operand>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (Scalar(item, $"{path}[{index++}]", relativeDates, problems) is { } operand)
            {
                items.Add(operand);
            }
        }

        return new Operand { Items = items };
    }

    private static Operand? Range(JsonElement value, string path, bool relativeDates, List<SegmentProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
        {
            return Report(problems, path, "between needs two values, lowest first, such as [18, 65]; both ends are included");
        }

        var low = Ordered(value[0], path + "[0]", relativeDates, problems);
        var high = Ordered(value[1], path + "[1]", relativeDates, problems);
        if (low is null || high is null)
        {
            return null;
        }

        if (Kind(low) != Kind(high))
        {
            return Report(problems, path, "between needs two values of the same kind: two numbers, two dates or two texts");
        }

        var reversed = (low.Number, high.Number) is ({ } a, { } b) ? a > b
            : (low.Instant, high.Instant) is ({ } x, { } y) ? x > y
            : (low.DaysFromNow, high.DaysFromNow) is ({ } m, { } n) ? m > n
            : !low.IsDate && low.Text is { } s && high.Text is { } t && string.CompareOrdinal(s, t) > 0;
        return reversed
            ? Report(problems, path, "between needs the lowest value first; as written nobody can match")
            : new Operand { Items = [low, high] };
    }

    private static int Kind(Operand operand) => operand.Number is not null ? 0 : operand.IsDate ? 1 : 2;

    private static Operand? Report(List<SegmentProblem> problems, string path, string message)
    {
        problems.Add(new(path, message));
        return null;
    }

    public static string Show(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"\"{element.GetString()}\"",
        JsonValueKind.Undefined => "nothing",
        _ => element.GetRawText(),
    };
}
