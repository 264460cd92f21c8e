using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cdp.Core.Segments;

/// <summary>
/// A segment body, <c>{"name", "definition", "destinations": [...]}</c>, read and checked with every problem reported by
/// its JSON path (the key's as <c>$.key</c>), so a marketer fixes them all in one go.
/// </summary>
public sealed partial record SegmentRequest(string Name, JsonElement Definition, IReadOnlyList<string> Destinations, CompiledSegment Compiled)
{
    public const int MaxNameLength = 200;

    /// <summary>Lower-case letters, digits, '_' and '-', 1 to 64 of them: safe in URLs, ids and delivery ids.</summary>
    [GeneratedRegex("^[a-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    public static partial Regex KeyPattern();

    public static (SegmentRequest? Request, IReadOnlyList<SegmentProblem> Problems) Parse(
        string key, ReadOnlyMemory<byte> body, ISegmentCompiler? compiler, IDestinationDirectory destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var problems = new List<SegmentProblem>();
        if (!KeyPattern().IsMatch(key))
        {
            problems.Add(new("$.key", "a segment key is 1 to 64 lower-case letters, digits, '_' or '-'"));
        }

        if (Root(body, problems) is not { } root)
        {
            return (null, problems);
        }

        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            problems.Add(new("$.name", $"name is required: a string of 1 to {MaxNameLength} characters"));
        }

        var list = DestinationsOf(root, destinations, problems);
        var compiled = CompileDefinition(root, compiler, problems);
        return problems.Count == 0 ? (new SegmentRequest(name!, root.GetProperty("definition").Clone(), list, compiled!), []) : (null, problems);
    }

    /// <summary>The body of a preview: <c>{"definition": ...}</c>.</summary>
    public static (CompiledSegment? Compiled, IReadOnlyList<SegmentProblem> Problems) ParsePreview(ReadOnlyMemory<byte> body, ISegmentCompiler? compiler)
    {
        var problems = new List<SegmentProblem>();
        var compiled = Root(body, problems) is { } root ? CompileDefinition(root, compiler, problems) : null;
        return (compiled, problems);
    }

    private static JsonElement? Root(ReadOnlyMemory<byte> body, List<SegmentProblem> problems)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            problems.Add(new("$", "the body is not valid JSON"));
            return null;
        }

        problems.Add(new("$", "the body must be a JSON object"));
        return null;
    }

    private static CompiledSegment? CompileDefinition(JsonElement root, ISegmentCompiler? compiler, List<SegmentProblem> problems)
    {
        if (!root.TryGetProperty("definition", out var definition) || definition.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("$.definition", "definition is required: a condition object"));
            return null;
        }

        if (compiler is null)
        {
            problems.Add(new("$.definition", "this build has no segment language to compile definitions with"));
            return null;
        }

        var compiled = compiler.Compile(definition);
        problems.AddRange(compiled.Problems);
        return compiled.Segment;
    }

    private static List<string> DestinationsOf(JsonElement root, IDestinationDirectory destinations, List<SegmentProblem> problems)
    {
        var list = new List<string>();
        if (!root.TryGetProperty("destinations", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new("$.destinations", "destinations must be an array of destination keys"));
            return list;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"$.destinations[{i++}]";
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } destination)
            {
                problems.Add(new(path, "a destination is the key of a configured destination (a string)"));
            }
            else if (destinations.Find(destination) is null)
            {
                problems.Add(new(path, $"no destination \"{destination}\" is configured (Cdp:Destinations:{destination})"));
            }
            else if (!list.Contains(destination))
            {
                list.Add(destination);
            }
        }

        return list;
    }
}
