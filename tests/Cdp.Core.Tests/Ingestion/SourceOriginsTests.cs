using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Ingestion;

/// <summary>Allowed origins per source: how they are spelled, validated and checked, and what intake does with them.</summary>
public sealed class SourceOriginsTests : IDisposable
{
    private const string ShopKey = "wk_shop_origins";

    private readonly CoreHarness _core = new();

    public void Dispose() => _core.Dispose();

    [Theory]
    [InlineData("https://shop.example", "https://shop.example")]
    [InlineData("https://Shop.Example/", "https://shop.example")]
    [InlineData(" https://shop.example:443 ", "https://shop.example")]
    [InlineData("http://localhost:3000", "http://localhost:3000")]
    [InlineData("https://shop.example/path", null)]
    [InlineData("https://shop.example?x=1", null)]
    [InlineData("ftp://shop.example", null)]
    [InlineData("shop.example", null)]
    [InlineData("null", null)]
    public void Normalize_Value_OriginOrNull(string value, string? expected) =>
        Assert.Equal(expected, SourceOrigins.Normalize(value));

    [Fact]
    public void FromSettings_StarAmongOthers_AnyOrigin() =>
        Assert.Empty(SourceOrigins.FromSettings(["https://shop.example", "*"]));

    [Fact]
    public void FromSettings_Duplicates_NormalizedOnce() =>
        Assert.Equal(["https://shop.example"], SourceOrigins.FromSettings(["https://shop.example/", "HTTPS://SHOP.EXAMPLE"]));

    [Fact]
    public void Problems_EntryThatIsAUrl_NamesTheSettingAndIndex()
    {
        var problem = Assert.Single(SourceOrigins.Problems(["https://ok.example", "https://shop.example/checkout"], "Cdp:Sources:0:AllowedOrigins"));

        Assert.StartsWith("Cdp:Sources:0:AllowedOrigins:1 ('https://shop.example/checkout')", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("https://shop.example", true)]
    [InlineData("https://SHOP.example", true)]
    [InlineData("https://evil.example", false)]
    [InlineData("http://shop.example", false)]
    [InlineData("null", false)]
    public void AllowsOrigin_RestrictedSource_OnlyItsOriginsOrNoOrigin(string? origin, bool allowed)
    {
        var source = new Source("s", "Shop") { AllowedOrigins = SourceOrigins.FromSettings(["https://shop.example"]) };

        Assert.Equal(allowed, source.AllowsOrigin(origin));
    }

    [Fact]
    public void AllowsOrigin_NoListConfigured_AnyOrigin() =>
        Assert.True(new Source("s", "Web").AllowsOrigin("https://anything.example"));

    [Fact]
    public async Task AcceptAsync_OriginTheSourceRefuses_ForbiddenAndNothingAccepted()
    {
        var result = await AcceptAsync("https://evil.example", """{"userId":"u1","event":"Viewed"}""");

        Assert.Equal(IntakeStatus.Forbidden, result.Status);
        Assert.Empty(result.Accepted);
        Assert.Contains("https://evil.example", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptAsync_MalformedBodyFromARefusedOrigin_ForbiddenRatherThanParsingDetail()
    {
        var result = await AcceptAsync("https://evil.example", "{{{");

        Assert.Equal(IntakeStatus.Forbidden, result.Status);
    }

    [Fact]
    public async Task AcceptAsync_AllowedOrigin_Accepted()
    {
        var result = await AcceptAsync("https://shop.example", """{"userId":"u1","event":"Viewed"}""");

        Assert.Equal(IntakeStatus.Accepted, result.Status);
    }

    [Theory]
    [InlineData("ftp://cdp.example.com")]
    [InlineData("cdp.example.com")]
    [InlineData("https://cdp.example.com/?x=1")]
    public void PublicUrlOptions_NotAnHttpBaseUrl_FailsNamingTheSetting(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cdp:Identity:Pepper"] = TestOptions.Pepper,
            ["Cdp:PublicUrl"] = value,
        }).Build();
        using var provider = new ServiceCollection().AddCdpCore(configuration).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PublicUrlOptions>>().Value);

        Assert.Contains("Cdp:PublicUrl", ex.Message, StringComparison.Ordinal);
    }

    private Task<IntakeResult> AcceptAsync(string origin, string body)
    {
        _core.Sources.Add(
            ShopKey, new Source("src-shop", "Shop") { AllowedOrigins = ["https://shop.example"] });
        return _core.Intake.AcceptAsync(IngestRoute.Track, CoreHarness.Basic(ShopKey), origin, System.Text.Encoding.UTF8.GetBytes(body), CancellationToken.None);
    }
}
