using System.Text.Json;
using Cdp.Core.Ingestion;
using Cdp.Functions.Ingestion;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.InMemory;

namespace Cdp.Functions.Tests.Ingestion;

/// <summary>
/// <c>GET /v1/projects/{writeKey}/settings</c> through the function: the document analytics-next loads from its CDN,
/// pointing the tag back at this host.
/// </summary>
public sealed class SourceSettingsFunctionTests : IDisposable
{
    private readonly FunctionsHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Settings_KnownWriteKey_SegmentIoIntegrationPointingAtTheRequestHost()
    {
        var answer = await GetAsync(FunctionsHarness.WriteKey);

        Assert.Equal(200, answer.Status);
        var segment = answer.Json.GetProperty("integrations").GetProperty("Segment.io");
        Assert.Equal(FunctionsHarness.WriteKey, segment.GetProperty("apiKey").GetString());
        Assert.Equal("cdp.example.net/v1", segment.GetProperty("apiHost").GetString());
        Assert.Equal("https", segment.GetProperty("protocol").GetString());
        Assert.Equal(JsonValueKind.Array, segment.GetProperty("unbundledIntegrations").ValueKind);
        Assert.True(answer.Json.GetProperty("analyticsNextEnabled").GetBoolean());
        Assert.Equal(JsonValueKind.Object, answer.Json.GetProperty("edgeFunction").ValueKind);
        Assert.True(answer.Json.GetProperty("plan").GetProperty("track").GetProperty("__default").GetProperty("enabled").GetBoolean());
        Assert.Equal(0, answer.Json.GetProperty("metrics").GetProperty("sampleRate").GetInt32());
        Assert.Single(answer.Json.GetProperty("integrations").EnumerateObject());
    }

    [Theory]
    [InlineData("https://cdp.contoso.com", "https", "cdp.contoso.com/v1")]
    [InlineData("http://10.0.0.5:8080/", "http", "10.0.0.5:8080/v1")]
    [InlineData("https://contoso.com/cdp/", "https", "contoso.com/cdp/v1")]
    public async Task Settings_PublicUrlConfigured_ApiHostFromIt(string publicUrl, string protocol, string apiHost)
    {
        _harness.With("Cdp:PublicUrl", publicUrl);

        var answer = await GetAsync(FunctionsHarness.WriteKey);

        var segment = answer.Json.GetProperty("integrations").GetProperty("Segment.io");
        Assert.Equal(apiHost, segment.GetProperty("apiHost").GetString());
        Assert.Equal(protocol, segment.GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task Settings_UnknownWriteKey_404()
    {
        var answer = await GetAsync("wk_nobody");

        Assert.Equal(404, answer.Status);
        Assert.Equal("unknown write key", answer.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Settings_FromAPage_ReadableByThatOrigin()
    {
        var answer = await GetAsync(FunctionsHarness.WriteKey, origin: "https://www.example.org");

        Assert.Equal(200, answer.Status);
        Assert.Equal("https://www.example.org", answer.Headers["Access-Control-Allow-Origin"]);
        Assert.Contains("Origin", answer.Headers["Vary"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_FromAnOriginTheSourceDoesNotAllow_403()
    {
        _harness.Get<InMemorySourceDirectory>().Add("wk_shop", new Source("src-shop", "Shop") { AllowedOrigins = ["https://shop.example"] });

        var refused = await GetAsync("wk_shop", origin: "https://evil.example");
        var allowed = await GetAsync("wk_shop", origin: "https://shop.example");

        Assert.Equal(403, refused.Status);
        Assert.Equal(200, allowed.Status);
    }

    [Fact]
    public async Task SettingsPreflight_AnyOrigin_204AllowingGet()
    {
        var request = HttpRequests.Build("OPTIONS", "/v1/projects/x/settings", null, null, null);
        request.Headers.Origin = "https://www.example.org";

        var answer = await IngestFunction.SettingsPreflight(request).ExecuteAsync(request);

        Assert.Equal(204, answer.Status);
        Assert.Equal("https://www.example.org", answer.Headers["Access-Control-Allow-Origin"]);
        Assert.Contains("GET", answer.Headers["Access-Control-Allow-Methods"], StringComparison.Ordinal);
    }

    private async Task<Answer> GetAsync(string writeKey, string? origin = null)
    {
        var request = HttpRequests.Get($"/v1/projects/{writeKey}/settings");
        if (origin is not null)
        {
            request.Headers.Origin = origin;
        }

        var result = await _harness.Create<IngestFunction>().Settings(request, writeKey, CancellationToken.None);
        return await result.ExecuteAsync(request);
    }
}
