using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cdp.Core.Destinations;

namespace Cdp.Functions.Tests.Infra;

/// <summary>
/// The destinations parameter of infra/main.bicep and the Cdp__Destinations__{key}__... app settings it becomes. The
/// settings are built by a reduce() at deployment, so they are read here as compiled, with a sample key put in for the
/// operator's: every key they can produce names a DestinationSettings property, every such property can be set, and a
/// webhook's Secret can only be a Key Vault reference (the parameter has no place for a secret).
/// </summary>
public sealed partial class DestinationsInfraTests
{
    private const string GenericKey = "Cdp__Destinations__{0}__{1}";

    [Fact]
    public async Task InfraDestinations_WebhookSecret_IsOnlyAKeyVaultReference()
    {
        var expression = await DeployedSettings.InfraDestinationsAsync();

        // createObject(format('Cdp__Destinations__{0}__Secret', key), format('@Microsoft.KeyVault(SecretUri=...)', ...)).
        const string secretObject = "createObject(format('Cdp__Destinations__{0}__Secret'";
        var at = expression.IndexOf(secretObject, StringComparison.Ordinal);
        Assert.True(at >= 0, "the destination settings never set Secret: " + expression);
        Assert.Equal(1, Regex.Count(expression, "__Secret'", RegexOptions.IgnoreCase));
        var (arguments, _) = ArmExpression.Arguments(expression, at + "createObject(".Length)
            ?? throw new InvalidOperationException("unclosed createObject in " + expression);
        Assert.Equal(2, arguments.Count);
        Assert.StartsWith("format('@Microsoft.KeyVault(SecretUri={0}secrets/destination-{1}-secret)', parameters('keyVaultUri')", arguments[1], StringComparison.Ordinal);
        Assert.DoesNotContain(GenericNames(expression), n => n.Contains("secret", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task DestinationsParameter_Type_HasNoPlaceForASecret()
    {
        var template = await Bicep.MainTemplateAsync();

        var destination = template["definitions"]?["destination"] as JsonObject
            ?? throw new InvalidOperationException("main.bicep's destinations parameter has no 'destination' type");
        var properties = (destination["properties"] as JsonObject)?.Select(p => p.Key).ToList() ?? [];

        Assert.Equal("#/definitions/destination", template["parameters"]?["destinations"]?["items"]?["$ref"]?.GetValue<string>());
        Assert.False(destination["additionalProperties"]?.GetValue<bool>() ?? true, "the destination type must be @sealed(): an unknown property (a secret) must be rejected");
        Assert.Contains("key", properties);
        Assert.DoesNotContain(properties, p => p.Contains("secret", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task InfraDestinations_EveryKey_NamesADestinationSettingAndEverySettingIsDeployable()
    {
        var expression = await DeployedSettings.InfraDestinationsAsync();

        // A sample destination key for {0}; {1} is a list index (Purposes) or an output field (Mapping): "0" is both.
        var keys = KeyFormat().Matches(expression).Select(m => m.Groups[1].Value)
            .SelectMany(format => format == GenericKey ? GenericNames(expression).Select(n => format.Replace("{1}", n, StringComparison.Ordinal)) : [format])
            .Select(format => format.Replace("{0}", "crm", StringComparison.Ordinal).Replace("{1}", "0", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(BoundSettings.NamesAnOption(k), $"{k} names no DestinationSettings property"));
        var covered = keys.Select(k => k.Split("__")[3]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = typeof(DestinationSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.Name)
            .Where(p => !covered.Contains(p))
            .ToList();
        Assert.True(missing.Count == 0, "the destinations parameter cannot set: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task DestinationsParameter_Sample_CompilesAndOneWithASecretIsRejected()
    {
        var sample = await BuildParamsAsync(secretLine: string.Empty);
        Assert.True(sample.ExitCode == 0 && sample.StandardError.Trim().Length == 0,
            $"the sample destinations did not compile ({sample.ExitCode}):\n{sample.Diagnostics}");
        var parameters = JsonNode.Parse(JsonNode.Parse(sample.StandardOutput)!["parametersJson"]!.GetValue<string>())!;
        Assert.Equal("crm", parameters["parameters"]?["destinations"]?["value"]?[0]?["key"]?.GetValue<string>());

        // Not a real secret: the point is that no value is accepted there at all.
        var withSecret = await BuildParamsAsync(secretLine: "    secret: 'whsec_not-a-real-secret'");
        Assert.NotEqual(0, withSecret.ExitCode);
        Assert.Contains("BCP037", withSecret.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"secret\"", withSecret.StandardError, StringComparison.Ordinal);
    }

    /// <summary>The property names of the items(createObject('Type', ..., 'Url', ...)) set as Cdp__Destinations__{0}__{1}.</summary>
    private static List<string> GenericNames(string expression)
    {
        const string items = "items(createObject(";
        var at = expression.IndexOf(items, StringComparison.Ordinal);
        Assert.True(at >= 0, "no items(createObject(...)) in " + expression);
        var (arguments, _) = ArmExpression.Arguments(expression, at + items.Length)
            ?? throw new InvalidOperationException("unclosed createObject in " + expression);
        return arguments.Where((_, i) => i % 2 == 0)
            .Select(a => ArmExpression.StringLiteral(a) ?? throw new InvalidOperationException($"setting name {a} is not written out"))
            .ToList();
    }

    /// <summary>
    /// bicep build-params of a .bicepparam using main.bicep with two sample destinations; the other required parameters
    /// get placeholders (build-params only checks them against their types). Bicep wants a relative path to main.bicep.
    /// </summary>
    private static async Task<Bicep.Result> BuildParamsAsync(string secretLine)
    {
        var folder = Directory.CreateTempSubdirectory("cdp-bicepparam-");
        try
        {
            var main = Path.GetRelativePath(folder.FullName, Bicep.MainFile).Replace('\\', '/');
            var file = Path.Combine(folder.FullName, "sample.bicepparam");
            await File.WriteAllTextAsync(file, $$"""
                using '{{main}}'

                param environmentName = 'test'
                param location = 'westeurope'
                param authClientId = '00000000-0000-0000-0000-000000000000'
                param identityPepper = 'placeholder-not-a-secret'
                param privacyCallbackSecret = 'placeholder-not-a-secret'
                param sourceWriteKeySha256 = '{{new string('0', 64)}}'
                param destinations = [
                  {
                    key: 'crm'
                    type: 'webhook'
                    url: 'https://crm.example.com/hooks'
                    purposes: ['marketing']
                    mapping: { email: 'identifiers.email', plan: 'traits.plan' }
                {{secretLine}}
                  }
                  {
                    key: 'warehouse'
                    type: 'file'
                    format: 'ndjson'
                    purposes: ['analytics']
                    maxAttempts: 3
                  }
                ]

                """);
            return await Bicep.RunAsync("build-params", file, "--stdout");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"format\('(Cdp__Destinations__\{0\}__[^']*)'")]
    private static partial Regex KeyFormat();
}
