using Cdp.Core.Destinations;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Destinations;

/// <summary>A bad destination setting stops start-up with a message naming it.</summary>
public sealed class DestinationsOptionsTests
{
    private static readonly Dictionary<string, string?> GoodWebhook = new()
    {
        ["Cdp:Destinations:crm:Type"] = "webhook",
        ["Cdp:Destinations:crm:Url"] = "https://crm.example.com/hooks",
        ["Cdp:Destinations:crm:Secret"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ["Cdp:Destinations:crm:Purposes:0"] = "marketing",
    };

    [Fact]
    public void Resolve_GoodWebhook_HasDefaultsAndTheDefaultMapping()
    {
        var directory = Build(GoodWebhook).GetRequiredService<DestinationDirectory>();

        var crm = directory.Get("crm")!;
        Assert.Equal((8, 100), (crm.Settings.MaxAttempts, crm.Settings.BatchSize));
        Assert.Equal(["email", "userId"], crm.Mapping.Names);
        var summary = directory.Find("crm")!;
        Assert.Equal(("crm", "webhook"), (summary.Key, summary.Type));
        Assert.Equal(["marketing"], summary.Purposes);
    }

    [Theory]
    [InlineData("Cdp:Destinations:crm:Url", "ftp://crm.example.com", "Cdp:Destinations:crm:Url must be an absolute http or https URL")]
    [InlineData("Cdp:Destinations:crm:Url", "/relative", "Cdp:Destinations:crm:Url must be an absolute http or https URL")]
    [InlineData("Cdp:Destinations:crm:Secret", "plain-secret", "Cdp:Destinations:crm:Secret must be whsec_ followed by a base64 key")]
    [InlineData("Cdp:Destinations:crm:Secret", "", "Cdp:Destinations:crm:Secret is required for a webhook")]
    [InlineData("Cdp:Destinations:crm:Type", "email", "Cdp:Destinations:crm:Type must be webhook or file")]
    [InlineData("Cdp:Destinations:crm:Purposes:0", "upselling", "Cdp:Destinations:crm:Purposes: \"upselling\" is not a consent purpose")]
    [InlineData("Cdp:Destinations:crm:Mapping:plan", "plan", "Cdp:Destinations:crm:Mapping:plan must be profileId, traits.<name>, identifiers.<type> or computed.<name>")]
    [InlineData("Cdp:Destinations:crm:Mapping:id", "identifiers.passport", "Cdp:Destinations:crm:Mapping:id: \"passport\" is not an identifier type")]
    [InlineData("Cdp:Destinations:crm:MaxAttempts", "0", "Cdp:Destinations:crm:MaxAttempts must be between 1 and 100")]
    [InlineData("Cdp:Destinations:crm:BatchSize", "5000", "Cdp:Destinations:crm:BatchSize must be between 1 and 1000")]
    public void Resolve_BadSetting_FailsNamingTheSetting(string key, string value, string message)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new(GoodWebhook) { [key] = value }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FileWithUnknownFormat_FailsNamingFormat()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Cdp:Destinations:warehouse:Type"] = "file",
            ["Cdp:Destinations:warehouse:Format"] = "xlsx",
            ["Cdp:Destinations:warehouse:Purposes:0"] = "analytics",
        }));

        Assert.Contains("Cdp:Destinations:warehouse:Format must be csv or ndjson", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoPurposes_FailsNamingPurposes()
    {
        var settings = new Dictionary<string, string?>(GoodWebhook);
        settings.Remove("Cdp:Destinations:crm:Purposes:0");

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains("Cdp:Destinations:crm:Purposes must list at least one consent purpose", ex.Message, StringComparison.Ordinal);
    }

    private static DestinationsOptions Resolve(Dictionary<string, string?> settings) =>
        Build(settings).GetRequiredService<IOptions<DestinationsOptions>>().Value;

    private static IServiceProvider Build(Dictionary<string, string?> settings)
    {
        var harness = new CoreHarness();
        foreach (var (key, value) in settings)
        {
            harness.With(key, value);
        }

        return harness.Services;
    }
}
