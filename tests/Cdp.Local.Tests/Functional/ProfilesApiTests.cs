using System.Net;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Functional;

public sealed class ProfilesApiTests(HostFixture host) : IClassFixture<HostFixture>
{
    private readonly CdpClient _client = host.Client;

    [Fact]
    public async Task GetById_UnknownId_404WithJsonError()
    {
        var response = await _client.GetAsync("/api/profiles/p-does-not-exist");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Contains("no profile", response.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/profiles", "required")]
    [InlineData("/api/profiles?identifierType=email", "required")]
    [InlineData("/api/profiles?value=a@b.com", "required")]
    [InlineData("/api/profiles?identifierType=shoeSize&value=42", "unknown identifierType")]
    [InlineData("/api/profiles?identifierType=email&value=not-an-email", "not a valid email")]
    [InlineData("/api/profiles?identifierType=phone&value=12", "not a valid phone")]
    public async Task Lookup_BadQuery_400NamingTheProblem(string path, string problem)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(problem, response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_IdentifierNobodyHas_404()
    {
        var response = await _client.GetAsync("/api/profiles?identifierType=email&value=nobody-at-all@example.com");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Contains("email", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_PhoneInAnotherFormat_FindsProfile()
    {
        await _client.PostAsync("/v1/identify", """{"userId":"phone-1","traits":{"phone":"+1 (415) 555-2671"}}""");

        var profile = await _client.WaitForProfileAsync("phone", "+14155552671");

        Assert.Equal(profile.Id(), (await _client.FindProfileAsync("userId", "phone-1"))!.Id());
    }

    [Fact]
    public async Task Events_PagedTimeline_EveryEventOnceNewestFirst()
    {
        var calls = Enumerable.Range(1, 5)
            .Select(i => Events.Track("timeline-1", "Step", $"timeline-{i}"))
            .ToArray();
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i]["timestamp"] = $"2024-01-0{i + 1}T00:00:00Z";
        }

        await _client.PostAsync("/v1/batch", Events.Batch(calls));
        var profile = await _client.WaitForProfileAsync("userId", "timeline-1", p => p.EventCount() == 5);

        var ids = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var path = $"/api/profiles/{profile.Id()}/events?pageSize=2" + (continuation is null ? string.Empty : "&continuation=" + Uri.EscapeDataString(continuation));
            var page = await _client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal(profile.Id(), page.Json!["profileId"]!.GetValue<string>());
            ids.AddRange(page.Json["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
            continuation = page.Json["continuation"]?.GetValue<string>();
            pages++;
        }
        while (continuation is not null && pages < 10);

        Assert.Equal(["timeline-5", "timeline-4", "timeline-3", "timeline-2", "timeline-1"], ids);
    }

    [Theory]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=abc")]
    [InlineData("pageSize=100000")]
    [InlineData("continuation=garbage!!")]
    public async Task Events_BadPaging_400(string query)
    {
        await _client.PostAsync("/v1/identify", """{"userId":"paging-1"}""");
        var profile = await _client.WaitForProfileAsync("userId", "paging-1");

        var response = await _client.GetAsync($"/api/profiles/{profile.Id()}/events?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.False(string.IsNullOrEmpty(response.Error));
    }

    [Fact]
    public async Task Events_UnknownProfile_404()
    {
        var response = await _client.GetAsync("/api/profiles/p-nope/events");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task Health_Always_HealthyWithOutboxCount()
    {
        var response = await _client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("healthy", response.Json!["status"]!.GetValue<string>());
        Assert.True(response.Json["outbox"]!.GetValue<long>() >= 0);
    }
}
