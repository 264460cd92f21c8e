namespace Cdp.Functions.Tests.Infra;

/// <summary>
/// The settings the app binds (read from its code: BoundSettings) against the settings infra/ deploys and
/// local.settings.sample.json lists, both ways: nothing the app needs is missing, and no Cdp__ key names a setting the
/// app does not have (a typo there is silently ignored by the configuration binder).
/// </summary>
public sealed class SettingsDriftTests
{
    /// <summary>
    /// Keys being added by work in flight whose options property does not exist yet. Drop an entry once it does; only
    /// the reverse check (key names an option) skips these.
    /// </summary>
    private static readonly HashSet<string> PendingOptions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Values that would mean a key or connection string sits in the settings instead of an identity.</summary>
    private static readonly string[] CredentialMarkers = ["AccountKey=", "SharedAccessKey", "DefaultEndpointsProtocol"];

    /// <summary>Settings a Flex Consumption app may not have: the plan sets them itself and rejects the deployment.</summary>
    private static readonly string[] FlexConsumptionRejects =
        ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"];

    [Fact]
    public void Required_FromTheCode_FindsTimersConnectionsHostJsonAndOptions()
    {
        // Guards the derivation itself: if reflection found nothing, every other test here would pass vacuously.
        var required = BoundSettings.Required();

        Assert.Contains(required, s => s.Source.StartsWith("[TimerTrigger", StringComparison.Ordinal));
        Assert.Contains(required, s => s.Source.StartsWith("[EventHubTrigger", StringComparison.Ordinal));
        Assert.Contains(required, s => s.Source == "host.json");
        Assert.Contains(required, s => s.Source.StartsWith("[Required]", StringComparison.Ordinal));
        Assert.True(BoundSettings.OptionsTypes().Count >= 5, "expected the options classes of Core, Azure and Functions");
    }

    [Fact]
    public async Task InfraAppSettings_EverySettingTheAppBinds_IsSet()
    {
        var infra = await DeployedSettings.InfraAsync();

        var missing = BoundSettings.Required().Where(s => !s.IsMetBy(infra.Keys.ToList())).ToList();

        Assert.True(missing.Count == 0, "infra/app/functionapp.bicep app settings lack:\n" + Describe(missing));
    }

    [Fact]
    public void SampleSettings_EverySettingTheAppBinds_IsListed()
    {
        var sample = DeployedSettings.Sample();

        var missing = BoundSettings.Required().Where(s => !s.IsMetBy(sample.Keys.ToList())).ToList();

        Assert.True(missing.Count == 0, "local.settings.sample.json lacks:\n" + Describe(missing));
    }

    [Fact]
    public async Task InfraAppSettings_CdpKeys_NameRealOptions()
    {
        var infra = await DeployedSettings.InfraAsync();

        var unknown = UnknownCdpKeys(infra.Keys);

        Assert.True(unknown.Count == 0, "infra app settings name no options property (typo?):\n  " + string.Join("\n  ", unknown));
    }

    [Fact]
    public void SampleSettings_CdpKeys_NameRealOptions()
    {
        var unknown = UnknownCdpKeys(DeployedSettings.Sample().Keys);

        Assert.True(unknown.Count == 0, "local.settings.sample.json names no options property (typo?):\n  " + string.Join("\n  ", unknown));
    }

    [Fact]
    public async Task InfraAppSettings_Values_HoldNoKeyOrConnectionString()
    {
        var infra = await DeployedSettings.InfraAsync();

        var offending = infra
            .Where(s => CredentialMarkers.Any(m => s.Value.Contains(m, StringComparison.OrdinalIgnoreCase))
                || s.Key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase)
                || s.Key.EndsWith("Key", StringComparison.OrdinalIgnoreCase))
            .Select(s => $"{s.Key} = {s.Value}")
            .ToList();

        Assert.True(offending.Count == 0, "infra app settings carry a key or connection string:\n  " + string.Join("\n  ", offending));
    }

    [Fact]
    public async Task InfraTemplate_Anywhere_ReadsNoAccessKeys()
    {
        var result = await Bicep.BuildMainAsync();

        var calls = new[] { "listKeys(", "listConnectionStrings(", "listAccountSas(", "listServiceSas(" }
            .Where(c => result.StandardOutput.Contains(c, StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.True(calls.Count == 0, "the compiled main.bicep reads keys: " + string.Join(", ", calls));
    }

    [Fact]
    public async Task InfraAppSettings_Secrets_AreKeyVaultReferences()
    {
        var infra = await DeployedSettings.InfraAsync();

        var secrets = infra.Where(s => s.Key.StartsWith("Cdp__", StringComparison.OrdinalIgnoreCase)
            && (s.Key.EndsWith("Pepper", StringComparison.OrdinalIgnoreCase) || s.Key.EndsWith("Secret", StringComparison.OrdinalIgnoreCase))).ToList();

        Assert.NotEmpty(secrets);
        Assert.All(secrets, s => Assert.True(s.Value.Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal),
            $"{s.Key} must be a Key Vault reference, not {s.Value}"));
    }

    [Fact]
    public async Task InfraAppSettings_OnFlexConsumption_LeaveOutWhatThePlanSetsItself()
    {
        var infra = await DeployedSettings.InfraAsync();

        var rejected = FlexConsumptionRejects.Where(infra.ContainsKey).ToList();

        Assert.True(rejected.Count == 0, "Flex Consumption rejects these app settings: " + string.Join(", ", rejected));
    }

    private static List<string> UnknownCdpKeys(IEnumerable<string> keys) =>
        keys.Where(k => k.StartsWith("Cdp__", StringComparison.OrdinalIgnoreCase))
            .Where(k => !PendingOptions.Contains(k) && !BoundSettings.NamesAnOption(k))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Describe(IEnumerable<BoundSetting> settings) =>
        string.Join("\n", settings.Select(s => $"  {s.Key}{(s.AnyChildWill ? " (or " + s.Key + "__...)" : string.Empty)}  <- {s.Source}"));
}
