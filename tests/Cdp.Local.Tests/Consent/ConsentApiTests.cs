using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Consent;

/// <summary>Consent through HTTP: recorded by the API or by events, read back with its history.</summary>
public sealed class ConsentApiTests(HostFixture host) : IClassFixture<HostFixture>
{
    private readonly CdpClient _client = host.Client;

    [Fact]
    public async Task Put_ThenGet_ShowsTheAnswersAndTheirHistory()
    {
        var id = await ProfileIdAsync("consent-put-1");

        var put = await PutAsync($"/api/profiles/{id}/consent",
            """{"source":"preference-center","purposes":{"marketing":false,"analytics":true},"timestamp":"2025-01-02T03:04:05Z"}""");
        var get = await _client.GetAsync($"/api/profiles/{id}/consent");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(HttpStatusCode.OK, get.Status);
        var consent = get.Json!;
        Assert.Equal(id, consent["profileId"]!.GetValue<string>());
        Assert.False(consent["purposes"]!["marketing"]!["granted"]!.GetValue<bool>());
        Assert.Equal("preference-center", consent["purposes"]!["marketing"]!["source"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), consent["purposes"]!["marketing"]!["updatedAt"]!.GetValue<DateTimeOffset>());
        Assert.True(consent["purposes"]!["analytics"]!["granted"]!.GetValue<bool>());
        Assert.False(consent["purposes"]!["sale_of_data"]!["granted"]!.GetValue<bool>());
        Assert.Null(consent["purposes"]!["sale_of_data"]!["updatedAt"]);
        Assert.Equal(["marketing", "analytics"], consent["history"]!.AsArray().Select(h => h!["purpose"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Event_WithCategoryPreferences_ShowsInConsent()
    {
        var call = Events.Track("consent-event-1", "Cookie banner answered", "consent-event-m1");
        call["timestamp"] = "2025-02-01T10:00:00Z";
        call["context"] = new JsonObject
        {
            ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["marketing"] = true, ["sale_of_data"] = false } },
        };
        await _client.PostAsync("/v1/batch", Events.Batch(call));
        var profile = await _client.WaitForProfileAsync("userId", "consent-event-1");

        var consent = (await _client.GetAsync($"/api/profiles/{profile.Id()}/consent")).Json!;

        Assert.True(consent["purposes"]!["marketing"]!["granted"]!.GetValue<bool>());
        Assert.False(consent["purposes"]!["sale_of_data"]!["granted"]!.GetValue<bool>());
        var history = consent["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.Equal("consent-event-m1", h!["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Put_OlderThanTheEventsAnswer_LeavesItAndSaysStale()
    {
        var call = Events.Page("consent-stale-1");
        call["timestamp"] = "2025-02-01T10:00:00Z";
        call["context"] = new JsonObject { ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["marketing"] = false } } };
        await _client.PostAsync("/v1/batch", Events.Batch(call));
        var id = (await _client.WaitForProfileAsync("userId", "consent-stale-1")).Id();

        var put = await PutAsync($"/api/profiles/{id}/consent", """{"purposes":{"marketing":true},"timestamp":"2025-01-01T00:00:00Z"}""");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("marketing", Assert.Single(put.Json!["stale"]!.AsArray())!.GetValue<string>());
        Assert.False(put.Json["purposes"]!["marketing"]!["granted"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{"purposes":{"astrology":true}}""", "astrology")]
    [InlineData("""{"purposes":{"marketing":"yes"}}""", "purposes.marketing must be true or false")]
    [InlineData("""{"purposes":{"marketing":tru""", "not valid JSON")]
    [InlineData("""{"source":"crm"}""", "purposes is required")]
    public async Task Put_BadBody_400NamingTheProblem(string body, string problem)
    {
        var id = await ProfileIdAsync("consent-bad-1");

        var response = await PutAsync($"/api/profiles/{id}/consent", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(problem, response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAndGet_UnknownProfile_404()
    {
        var put = await PutAsync("/api/profiles/p-nobody/consent", """{"purposes":{"marketing":true}}""");
        var get = await _client.GetAsync("/api/profiles/p-nobody/consent");

        Assert.Equal(HttpStatusCode.NotFound, put.Status);
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.Contains("p-nobody", get.Error, StringComparison.Ordinal);
    }

    private async Task<string> ProfileIdAsync(string userId)
    {
        await _client.PostAsync("/v1/identify", $$"""{"userId":"{{userId}}"}""");
        return (await _client.WaitForProfileAsync("userId", userId)).Id();
    }

    private async Task<ApiResponse> PutAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await _client.SendAsync(request);
    }
}
