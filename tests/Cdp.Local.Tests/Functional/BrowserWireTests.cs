using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Core.Http;
using Cdp.Local.Ingestion;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Functional;

/// <summary>
/// What the Segment browser tag (analytics-next) does against the local host from a page on another origin: load
/// settings, preflight, post each call to its one-letter route as text/plain with the key in the body and header.
/// </summary>
public sealed class BrowserWireTests(HostFixture host) : IClassFixture<HostFixture>
{
    private const string Page = "https://www.example.org";

    private readonly CdpClient _client = host.Client;

    public static TheoryData<string, string, string> ShortRoutes => new()
    {
        // route, body (userId short-{route}), the count the profile shows
        { "i", """{"userId":"short-i","traits":{"email":"short@example.com"}}""", "identify" },
        { "t", """{"userId":"short-t","event":"Order Completed"}""", "Order Completed" },
        { "p", """{"userId":"short-p","name":"Pricing"}""", "page" },
        { "s", """{"userId":"short-s","name":"Home"}""", "screen" },
        { "g", """{"userId":"short-g","groupId":"acme"}""", "group" },
        { "a", """{"userId":"short-a","previousId":"anon-short"}""", "alias" },
        { "b", """{"batch":[{"type":"track","userId":"short-b","event":"Signed Up"}]}""", "Signed Up" },
    };

    [Theory]
    [MemberData(nameof(ShortRoutes))]
    public async Task Post_ShortRoute_AcceptedAndCountedOnProfile(string route, string body, string countKey)
    {
        var response = await _client.PostAsync("/v1/" + route, body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1, response.Accepted);
        var profile = await _client.WaitForProfileAsync("userId", "short-" + route);
        Assert.Equal(1, profile.CountOf(countKey));
    }

    [Fact]
    public async Task Post_ShortRouteBrokenEvent_400AsOnTheLongRoute()
    {
        var response = await _client.PostAsync("/v1/t", """{"userId":"x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("event is required", response.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/t")]
    [InlineData("/v1/batch")]
    [InlineData("/v1/projects/any-key/settings")]
    public async Task Options_PreflightFromAPage_204AllowingTheTagsHeaders(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", Page);
        request.Headers.Add("Access-Control-Request-Method", path.EndsWith("settings", StringComparison.Ordinal) ? "GET" : "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-retry-count");

        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Page, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("authorization, content-type, x-retry-count", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal(CrossOrigin.MaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "Access-Control-Max-Age"));
        Assert.Contains("Origin", Header(response, "Vary"), StringComparison.Ordinal);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_AsTheTagSendsIt_AcceptedAndReadableByThePage()
    {
        // analytics-next's standard delivery: text/plain (no preflight for the type), key in the body and as Basic auth.
        using var request = TagPost("/v1/t", $$$"""{"userId":"tag-1","event":"Viewed","writeKey":"{{{LocalHostFactory.WriteKey}}}","_metadata":{"bundled":["Segment.io"]}}""", Page);

        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Page, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("Retry-After", Header(response, "Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task Get_Settings_SegmentIoPointsBackAtThisHost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/projects/{LocalHostFactory.WriteKey}/settings");
        request.Headers.Add("Origin", Page);

        using var response = await _client.Http.SendAsync(request);
        var settings = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Page, Header(response, "Access-Control-Allow-Origin"));
        var segment = settings["integrations"]!["Segment.io"]!;
        Assert.Equal(LocalHostFactory.WriteKey, segment["apiKey"]!.GetValue<string>());
        Assert.Equal(_client.Http.BaseAddress!.Authority + "/v1", segment["apiHost"]!.GetValue<string>());
        Assert.Equal(_client.Http.BaseAddress.Scheme, segment["protocol"]!.GetValue<string>());
        Assert.True(settings["analyticsNextEnabled"]!.GetValue<bool>());
        Assert.NotNull(settings["plan"]);
        Assert.NotNull(settings["edgeFunction"]);
    }

    [Fact]
    public async Task Get_SettingsForUnknownKey_404()
    {
        var response = await _client.GetAsync("/v1/projects/not-a-key/settings");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("unknown write key", response.Error);
    }

    [Fact]
    public async Task RestrictedDefaultSource_PageOnAnotherOrigin_403AndNothingStoredButTheAllowedPageIsServed()
    {
        using var data = new TempDataDirectory();
        using var restricted = new LocalHostFactory(
            data.Path,
            ("Cdp:Local:Processing:Enabled", "false"),
            ("Cdp:Local:DefaultSource:AllowedOrigins:0", "https://shop.example/"),
            ("Cdp:PublicUrl", "https://cdp.shop.example"));
        var http = restricted.CreateClient();
        var body = $$"""{"batch":[{"type":"track","userId":"o-1","event":"E"}],"writeKey":"{{LocalHostFactory.WriteKey}}"}""";

        using var evil = await http.SendAsync(TagPost("/v1/b", body, "https://evil.example"));
        using var evilSettings = await http.SendAsync(WithOrigin(HttpMethod.Get, $"/v1/projects/{LocalHostFactory.WriteKey}/settings", "https://evil.example"));
        var queuedAfterRefusal = await restricted.Services.GetRequiredService<ILocalOutbox>().CountAsync(CancellationToken.None);
        using var shop = await http.SendAsync(TagPost("/v1/b", body, "https://shop.example"));
        using var server = await http.SendAsync(TagPost("/v1/b", body, origin: null));
        using var shopSettings = await http.SendAsync(WithOrigin(HttpMethod.Get, $"/v1/projects/{LocalHostFactory.WriteKey}/settings", "https://shop.example"));

        Assert.Equal(HttpStatusCode.Forbidden, evil.StatusCode);
        Assert.Contains("https://evil.example", await evil.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, evilSettings.StatusCode);
        Assert.Equal(0, queuedAfterRefusal);
        Assert.Equal(HttpStatusCode.OK, shop.StatusCode);
        Assert.Equal("https://shop.example", Header(shop, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, server.StatusCode);
        var segment = JsonNode.Parse(await shopSettings.Content.ReadAsStringAsync())!["integrations"]!["Segment.io"]!;
        Assert.Equal("cdp.shop.example/v1", segment["apiHost"]!.GetValue<string>());
        Assert.Equal("https", segment["protocol"]!.GetValue<string>());
    }

    private static HttpRequestMessage TagPost(string path, string json, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");
        request.Headers.Authorization = CdpClient.Basic(LocalHostFactory.WriteKey);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static HttpRequestMessage WithOrigin(HttpMethod method, string path, string origin)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : string.Empty;
}
