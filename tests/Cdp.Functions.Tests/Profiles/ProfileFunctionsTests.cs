using Cdp.Functions.Profiles;
using Cdp.Functions.Tests.Infrastructure;

namespace Cdp.Functions.Tests.Profiles;

/// <summary>The profile API of the Functions app, called with real requests: the same answers as the local host.</summary>
public sealed class ProfileFunctionsTests
{
    [Fact]
    public async Task Find_ByEmailInAnotherCase_200WithTheProfile()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"u-7","traits":{"email":"Jane@Example.com","plan":"pro"}}]}""");

        var request = HttpRequests.Get("/api/profiles?identifierType=email&value=JANE@example.com").AsAdmin();
        var answer = await (await harness.Create<ProfileFunctions>().Find(request, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal("pro", answer.Json.GetProperty("traits").GetProperty("plan").GetProperty("value").GetString());
        Assert.StartsWith("application/json", answer.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ById_200AndTheSameProfileAsTheLookup()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"u-8","traits":{"name":"Ann"}}]}""");
        var id = (await harness.FindProfileAsync("userId", "u-8"))!.Id;

        var request = HttpRequests.Get($"/api/profiles/{id}").AsAdmin();
        var answer = await (await harness.Create<ProfileFunctions>().Get(request, id, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal(id, answer.Json.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Get_UnknownId_404WithJsonError()
    {
        using var harness = new FunctionsHarness();
        var request = HttpRequests.Get("/api/profiles/p-nobody").AsAdmin();

        var answer = await (await harness.Create<ProfileFunctions>().Get(request, "p-nobody", CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(404, answer.Status);
        Assert.Contains("no profile", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/profiles", "required")]
    [InlineData("/api/profiles?identifierType=shoeSize&value=42", "unknown identifierType")]
    [InlineData("/api/profiles?identifierType=email&value=not-an-email", "not a valid email")]
    public async Task Find_BadQuery_400NamingTheProblem(string path, string problem)
    {
        using var harness = new FunctionsHarness();
        var request = HttpRequests.Get(path).AsAdmin();

        var answer = await (await harness.Create<ProfileFunctions>().Find(request, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(400, answer.Status);
        Assert.Contains(problem, answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetEvents_PagesOfTwo_EveryEventOnceNewestFirst()
    {
        using var harness = new FunctionsHarness();
        var calls = Enumerable.Range(1, 5).Select(i =>
            $$"""{"type":"track","userId":"u-9","event":"Step","messageId":"fn-timeline-{{i}}","timestamp":"2026-01-0{{i}}T00:00:00Z"}""");
        await harness.IngestAsync($$"""{"batch":[{{string.Join(",", calls)}}]}""");
        var id = (await harness.FindProfileAsync("userId", "u-9"))!.Id;

        var ids = new List<string>();
        string? continuation = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var request = HttpRequests.Get($"/api/profiles/{id}/events?pageSize=2"
                + (continuation is null ? string.Empty : "&continuation=" + Uri.EscapeDataString(continuation))).AsAdmin();
            var answer = await (await harness.Create<ProfileFunctions>().GetEvents(request, id, CancellationToken.None)).ExecuteAsync(request);
            Assert.Equal(200, answer.Status);
            Assert.Equal(id, answer.Json.GetProperty("profileId").GetString());
            ids.AddRange(answer.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
            continuation = answer.Json.TryGetProperty("continuation", out var next) ? next.GetString() : null;
            if (continuation is null)
            {
                break;
            }
        }

        Assert.Equal(["fn-timeline-5", "fn-timeline-4", "fn-timeline-3", "fn-timeline-2", "fn-timeline-1"], ids);
    }

    [Theory]
    [InlineData("pageSize=0", 400)]
    [InlineData("pageSize=abc", 400)]
    [InlineData("pageSize=100000", 400)]
    [InlineData("continuation=garbage!!", 400)]
    public async Task GetEvents_BadPaging_400(string query, int expected)
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"u-10"}]}""");
        var id = (await harness.FindProfileAsync("userId", "u-10"))!.Id;
        var request = HttpRequests.Get($"/api/profiles/{id}/events?{query}").AsAdmin();

        var answer = await (await harness.Create<ProfileFunctions>().GetEvents(request, id, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(expected, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Json.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task GetHistory_KnownAndUnknownProfile_200WithEntriesOr404()
    {
        using var harness = new FunctionsHarness();
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"u-11","traits":{"email":"h@example.com"}}]}""");
        var id = (await harness.FindProfileAsync("userId", "u-11"))!.Id;
        var functions = harness.Create<ProfileFunctions>();

        var known = HttpRequests.Get($"/api/profiles/{id}/history").AsAdmin();
        var knownAnswer = await (await functions.GetHistory(known, id, CancellationToken.None)).ExecuteAsync(known);
        var unknown = HttpRequests.Get("/api/profiles/p-none/history").AsAdmin();
        var unknownAnswer = await (await functions.GetHistory(unknown, "p-none", CancellationToken.None)).ExecuteAsync(unknown);

        Assert.Equal((200, 404), (knownAnswer.Status, unknownAnswer.Status));
        Assert.Equal(id, knownAnswer.Json.GetProperty("profileId").GetString());
        Assert.NotEqual(0, knownAnswer.Json.GetProperty("history").GetArrayLength());
        Assert.DoesNotContain("h@example.com", knownAnswer.Body, StringComparison.Ordinal);
    }
}
