using System.Text.Json.Nodes;

namespace Cdp.Functions.Tests.Infra;

/// <summary>The settings as written down for the two places the app runs: the infra's app settings and the local sample.</summary>
internal static class DeployedSettings
{
    private const string AppSettingsType = "Microsoft.Web/sites/config";

    /// <summary>
    /// The compiled form of the app settings: the fixed settings written out in Bicep (<c>createObject('Key', value, ...)</c>)
    /// with the destinations, whose keys the operator chooses, spread in after them (<c>...destinationSettings</c>).
    /// </summary>
    private const string SpreadPrefix = "[shallowMerge(createArray(createObject(";

    private const string DestinationsSpread = ", variables('destinationSettings')))]";

    /// <summary>
    /// The Function App's fixed app settings in the compiled ARM template of main.bicep: the properties of its one
    /// <c>Microsoft.Web/sites/config</c> 'appsettings' resource, wherever in the nested module templates it sits, minus
    /// the destinations spread in at the end (see <see cref="InfraDestinationsAsync"/>).
    /// Values are as compiled, so a value set from a parameter or output reads as an ARM expression.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> InfraAsync()
    {
        var properties = (await AppSettingsResourceAsync()).Resource["properties"];
        if (properties is JsonObject literal)
        {
            return literal.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        }

        // Bicep compiles { fixed..., ...destinationSettings } into shallowMerge(createArray(createObject(...), ...)):
        // the fixed keys are still literals there, the string arguments at even positions of createObject.
        var text = Text(properties);
        if (text is null || !text.StartsWith(SpreadPrefix, StringComparison.Ordinal)
            || ArmExpression.Arguments(text, SpreadPrefix.Length) is not (var arguments, var end)
            || text[end..] != DestinationsSpread || arguments.Count % 2 != 0)
        {
            throw new InvalidOperationException(
                "the app settings must be an object literal in Bicep, with only ...destinationSettings spread in at its end, so their keys can be checked; found: "
                + (text ?? properties?.ToJsonString()));
        }

        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < arguments.Count; i += 2)
        {
            var key = ArmExpression.StringLiteral(arguments[i])
                ?? throw new InvalidOperationException($"app setting name {arguments[i]} is not written out in Bicep");
            settings.Add(key, arguments[i + 1]);
        }

        return settings;
    }

    /// <summary>
    /// The compiled expression (a reduce() over the destinations parameter) that builds the
    /// <c>Cdp__Destinations__{key}__...</c> app settings: it cannot be evaluated here, only read.
    /// </summary>
    public static async Task<string> InfraDestinationsAsync()
    {
        var template = (await AppSettingsResourceAsync()).Template;
        return Text(template["variables"]?["destinationSettings"])
            ?? throw new InvalidOperationException("the Function App module has no destinationSettings variable");
    }

    /// <summary>The one app settings resource and the (module) template that declares it.</summary>
    private static async Task<(JsonObject Resource, JsonObject Template)> AppSettingsResourceAsync()
    {
        var main = await Bicep.MainTemplateAsync();
        var found = Descendants(main)
            .OfType<JsonObject>()
            .Where(t => t["resources"] is JsonNode)
            .SelectMany(t => Resources(t).Select(r => (Resource: r, Template: t)))
            .Where(x => Text(x.Resource["type"]) is AppSettingsType && Text(x.Resource["name"])?.Contains("appsettings", StringComparison.Ordinal) == true)
            .ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"expected one {AppSettingsType} 'appsettings' resource in the compiled main.bicep, found {found.Count}");
    }

    /// <summary>A template's resources: an array, or an object keyed by symbolic name (language version 2.0).</summary>
    private static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    /// <summary>The <c>Values</c> of local.settings.sample.json at the repository root.</summary>
    public static IReadOnlyDictionary<string, string> Sample()
    {
        var sample = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.sample.json")))
            ?? throw new InvalidOperationException("local.settings.sample.json is empty");
        var values = sample["Values"] as JsonObject ?? throw new InvalidOperationException("local.settings.sample.json has no Values object");
        return values.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty, StringComparer.OrdinalIgnoreCase);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Every node of a JSON tree (templates nest modules as resources holding whole templates).</summary>
    public static IEnumerable<JsonNode> Descendants(JsonNode? node)
    {
        if (node is null)
        {
            yield break;
        }

        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
