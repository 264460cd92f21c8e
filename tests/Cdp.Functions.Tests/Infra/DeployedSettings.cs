using System.Text.Json.Nodes;

namespace Cdp.Functions.Tests.Infra;

/// <summary>The settings as written down for the two places the app runs: the infra's app settings and the local sample.</summary>
internal static class DeployedSettings
{
    private const string AppSettingsType = "Microsoft.Web/sites/config";

    /// <summary>
    /// The Function App's app settings in the compiled ARM template of main.bicep: the properties of its one
    /// <c>Microsoft.Web/sites/config</c> 'appsettings' resource, wherever in the nested module templates it sits.
    /// Values are as compiled, so a value set from a parameter or output reads as an ARM expression.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> InfraAsync()
    {
        var template = await Bicep.MainTemplateAsync();
        var found = Descendants(template)
            .OfType<JsonObject>()
            .Where(o => Text(o["type"]) is AppSettingsType && Text(o["name"])?.Contains("appsettings", StringComparison.Ordinal) == true)
            .ToList();
        if (found.Count != 1)
        {
            throw new InvalidOperationException($"expected one {AppSettingsType} 'appsettings' resource in the compiled main.bicep, found {found.Count}");
        }

        if (found[0]["properties"] is not JsonObject properties)
        {
            throw new InvalidOperationException("the app settings must be an object literal in Bicep (not built with union() or a variable) so their keys can be checked");
        }

        return properties.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty, StringComparer.OrdinalIgnoreCase);
    }

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
