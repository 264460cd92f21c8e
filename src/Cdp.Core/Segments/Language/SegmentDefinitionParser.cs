using System.Globalization;
using System.Text.Json;
using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Segments.Language;

/// <summary>
/// Parses a segment definition (DESIGN §8) into a <see cref="SegmentCondition"/> tree, reporting every problem it
/// finds (not only the first) with its JSON path, in words a marketer can act on. Nothing is thrown for bad input.
/// </summary>
/// <remarks>
/// Limits keep one definition cheap to evaluate on every ingest: at most <see cref="MaxConditions"/> condition objects,
/// nested at most <see cref="MaxDepth"/> deep, at most <see cref="MaxWhereFilters"/> where-filters per event condition.
/// </remarks>
public sealed class SegmentDefinitionParser
{
    public const int MaxDepth = 32;
    public const int MaxConditions = 200;
    public const int MaxWhereFilters = 20;
    public const int MaxNameLength = 200;

    private static readonly string[] Kinds = ["all", "any", "not", "trait", "event", "consent"];
    private static readonly string[] TraitKeys = ["trait", "op", "value"];
    private static readonly string[] EventKeys = ["event", "count", "within", "where"];
    private static readonly string[] FilterKeys = ["property", "op", "value"];

    private static readonly Dictionary<string, CountOperator> CountOperators = new(StringComparer.Ordinal)
    {
        ["gte"] = CountOperator.Gte,
        ["gt"] = CountOperator.Gt,
        ["lte"] = CountOperator.Lte,
        ["lt"] = CountOperator.Lt,
        ["eq"] = CountOperator.Eq,
    };

    private readonly ConsentPolicy _consent;
    private readonly IReadOnlySet<string> _sums;

    public SegmentDefinitionParser(ConsentPolicy consent, IOptions<ProfileOptions> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        _consent = consent;
        _sums = profiles.Value.Sums.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <param name="definition">The condition (the <c>definition</c> member of a segment body).</param>
    /// <param name="path">Its JSON path in the request, the prefix of every problem path.</param>
    public SegmentParse Parse(JsonElement definition, string path = "$.definition")
    {
        var run = new Run(path);
        var condition = Condition(definition, path, 1, run);
        return run.Problems.Count == 0 ? new SegmentParse(condition, []) : new SegmentParse(null, run.Problems);
    }

    private SegmentCondition? Condition(JsonElement element, string path, int depth, Run run)
    {
        if (++run.Conditions > MaxConditions)
        {
            // Reported once; the rest is not read, so an oversized definition costs no more than the limit.
            if (run.Conditions == MaxConditions + 1)
            {
                run.Problems.Add(new(run.Root, $"has more than {MaxConditions} conditions; split it into smaller segments"));
            }

            return null;
        }

        if (depth > MaxDepth)
        {
            run.Problems.Add(new(path, $"is nested more than {MaxDepth} levels deep; flatten the all/any groups"));
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            run.Problems.Add(new(path, "must be a condition, such as {\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}"));
            return null;
        }

        var kinds = Kinds.Where(k => element.TryGetProperty(k, out _)).ToList();
        if (kinds.Count != 1)
        {
            run.Problems.Add(new(path, kinds.Count == 0
                ? "needs one of all, any, not, trait, event or consent"
                : $"mixes {string.Join(" and ", kinds)}; put each in its own condition inside \"all\" or \"any\""));
            return null;
        }

        return kinds[0] switch
        {
            "all" or "any" => Group(element, kinds[0], path, depth, run),
            "not" => Not(element, path, depth, run),
            "trait" => Trait(element, path, run),
            "event" => Event(element, path, run),
            _ => ConsentOf(element, path, run),
        };
    }

    private SegmentCondition? Group(JsonElement element, string kind, string path, int depth, Run run)
    {
        UnknownKeys(element, path, kind, [kind], run);
        var list = element.GetProperty(kind);
        var listPath = $"{path}.{kind}";
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            run.Problems.Add(new(listPath, $"needs a list of at least one condition, such as [{{\"consent\": \"marketing\"}}]"));
            return null;
        }

        var children = new List<SegmentCondition>();
        var index = 0;
        foreach (var child in list.EnumerateArray())
        {
            if (Condition(child, $"{listPath}[{index++}]", depth + 1, run) is { } parsed)
            {
                children.Add(parsed);
            }
        }

        return kind == "all" ? new AllOf(children) : new AnyOf(children);
    }

    private NotCondition? Not(JsonElement element, string path, int depth, Run run)
    {
        UnknownKeys(element, path, "not", ["not"], run);
        return Condition(element.GetProperty("not"), path + ".not", depth + 1, run) is { } inner ? new NotCondition(inner) : null;
    }

    private TraitCondition? Trait(JsonElement element, string path, Run run)
    {
        UnknownKeys(element, path, "trait", TraitKeys, run);
        if (Name(element.GetProperty("trait"), path + ".trait", "a trait name, such as \"plan\" or \"computed.eventCount\"", run) is not { } name)
        {
            return null;
        }

        var (_, type, problem) = TraitPath.Resolve(name, _sums);
        if (problem is not null)
        {
            run.Problems.Add(new(path + ".trait", problem));
            return null;
        }

        return ComparisonParser.Parse(element, path, type, relativeDates: true, run.Problems) is { } comparison
            ? new TraitCondition(name, comparison)
            : null;
    }

    private ConsentCondition? ConsentOf(JsonElement element, string path, Run run)
    {
        UnknownKeys(element, path, "consent", ["consent"], run);
        var value = element.GetProperty("consent");
        var purpose = value.ValueKind == JsonValueKind.String ? _consent.Resolve(value.GetString()!) : null;
        if (purpose is null)
        {
            run.Problems.Add(new(path + ".consent",
                $"{ComparisonParser.Show(value)} is not a consent purpose; use one of {string.Join(", ", _consent.Purposes)}"));
            return null;
        }

        return new ConsentCondition(purpose);
    }

    private static EventCondition? Event(JsonElement element, string path, Run run)
    {
        UnknownKeys(element, path, "event", EventKeys, run);
        var name = Name(element.GetProperty("event"), path + ".event", "an event name, such as \"Order Completed\", or a call type such as \"page\"", run);
        var (op, count) = element.TryGetProperty("count", out var countElement) ? Count(countElement, path + ".count", run) : (CountOperator.Gte, 1);
        int? within = null;
        if (element.TryGetProperty("within", out var withinElement))
        {
            if (withinElement.ValueKind == JsonValueKind.String && SegmentDates.TryParseDays(withinElement.GetString(), out var days))
            {
                within = days;
            }
            else
            {
                run.Problems.Add(new(path + ".within",
                    $"{ComparisonParser.Show(withinElement)} is not a period; write days or weeks, such as \"P30D\" or \"P2W\" (up to {SegmentDates.MaxDays} days)"));
            }
        }

        var where = element.TryGetProperty("where", out var whereElement) ? Where(whereElement, path + ".where", run) : [];
        return name is null ? null : new EventCondition(name, op, count, within, where);
    }

    private static (CountOperator, long) Count(JsonElement element, string path, Run run)
    {
        const string Example = "count needs one comparison with a whole number, such as {\"gte\": 2}; use gte, gt, lte, lt or eq";
        if (element.ValueKind != JsonValueKind.Object || element.EnumerateObject().Count() != 1)
        {
            run.Problems.Add(new(path, Example));
            return default;
        }

        var only = element.EnumerateObject().Single();
        if (!CountOperators.TryGetValue(only.Name, out var op))
        {
            run.Problems.Add(new($"{path}.{only.Name}", $"\"{only.Name}\" is not a count comparison; use gte, gt, lte, lt or eq"));
            return default;
        }

        if (only.Value.ValueKind != JsonValueKind.Number || !only.Value.TryGetInt64(out var count) || count < 0)
        {
            run.Problems.Add(new($"{path}.{only.Name}", $"{ComparisonParser.Show(only.Value)} is not a count; use a whole number of 0 or more"));
            return default;
        }

        return (op, count);
    }

    private static List<PropertyFilter> Where(JsonElement element, string path, Run run)
    {
        var filters = new List<PropertyFilter>();
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0 || element.GetArrayLength() > MaxWhereFilters)
        {
            run.Problems.Add(new(path,
                $"where needs a list of 1 to {MaxWhereFilters} filters, such as [{{\"property\": \"total\", \"op\": \"gt\", \"value\": 50}}]"));
            return filters;
        }

        var index = 0;
        foreach (var filter in element.EnumerateArray())
        {
            var filterPath = $"{path}[{index++}]";
            if (filter.ValueKind != JsonValueKind.Object || !filter.TryGetProperty("property", out var property))
            {
                run.Problems.Add(new(filterPath, "must be a filter, such as {\"property\": \"total\", \"op\": \"gt\", \"value\": 50}"));
                continue;
            }

            UnknownKeys(filter, filterPath, "where filter", FilterKeys, run);
            var name = Name(property, filterPath + ".property", "a property name, such as \"total\"", run);
            var comparison = ComparisonParser.Parse(filter, filterPath, TraitType.Any, relativeDates: false, run.Problems);
            if (name is not null && comparison is not null)
            {
                filters.Add(new PropertyFilter(name, comparison));
            }
        }

        return filters;
    }

    private static string? Name(JsonElement element, string path, string expected, Run run)
    {
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 and <= MaxNameLength } name)
        {
            return name;
        }

        run.Problems.Add(new(path, string.Create(CultureInfo.InvariantCulture, $"needs {expected} (1 to {MaxNameLength} characters)")));
        return null;
    }

    private static void UnknownKeys(JsonElement element, string path, string kind, string[] allowed, Run run)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                run.Problems.Add(new($"{path}.{property.Name}",
                    $"\"{property.Name}\" is not part of a {kind} condition, which takes {string.Join(", ", allowed)}"));
            }
        }
    }

    private sealed class Run(string root)
    {
        public string Root { get; } = root;
        public int Conditions { get; set; }
        public List<SegmentProblem> Problems { get; } = [];
    }
}

/// <summary>A parsed definition, or the problems that prevented it (never both).</summary>
public sealed record SegmentParse(SegmentCondition? Condition, IReadOnlyList<SegmentProblem> Problems);
