using Cdp.Core.Authorization;
using Cdp.Functions.Tests.Infrastructure;

namespace Cdp.Functions.Tests.Segments;

/// <summary>The segments API of the Functions app as a marketer meets it: define, see members, page, preview, delete.</summary>
public sealed class SegmentFunctionsTests : IDisposable
{
    private readonly FunctionsHarness _harness = new();
    private readonly SegmentsClient _client;

    public SegmentFunctionsTests() => _client = new SegmentsClient(_harness);

    [Fact]
    public async Task Put_NewKeyThenSameKey_201Then200AndListedWithTheLatestDefinition()
    {
        var created = await _client.PutAsync("pro", SegmentsClient.Body(SegmentsClient.Pro));
        var replaced = await _client.PutAsync("pro", SegmentsClient.Body("""{"consent":"marketing"}""", "Marketable"));
        var list = await _client.GetAsync("/api/segments");

        Assert.Equal((201, 200), (created.Status, replaced.Status));
        Assert.Equal("pro", created.Json.GetProperty("key").GetString());
        var listed = Assert.Single(list.Json.GetProperty("segments").EnumerateArray());
        Assert.Equal("Marketable", listed.GetProperty("name").GetString());
        Assert.Equal("marketing", listed.GetProperty("definition").GetProperty("consent").GetString());
        Assert.Equal(created.Json.GetProperty("createdAt").GetString(), listed.GetProperty("createdAt").GetString());
    }

    [Theory]
    [InlineData("Bad_Key", """{"name":"x","definition":{"consent":"marketing"}}""", "$.key")]
    [InlineData("no-name", """{"definition":{"consent":"marketing"}}""", "$.name")]
    [InlineData("bad-op", """{"name":"x","definition":{"trait":"plan","op":"near","value":1}}""", "$.definition.op")]
    [InlineData("bad-window", """{"name":"x","definition":{"event":"Order Completed","within":"P0D"}}""", "$.definition.within")]
    [InlineData("not-json", """{"name":""", "$")]
    public async Task Put_BadBody_400ListingTheProblemByPathAndSavingNothing(string key, string body, string path)
    {
        var answer = await _client.PutAsync(key, body);

        Assert.Equal(400, answer.Status);
        Assert.Contains(answer.Json.GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("path").GetString() == path && e.GetProperty("message").GetString()!.Length > 0);
        Assert.Equal(404, (await _client.GetAsync($"/api/segments/{key}")).Status);
    }

    [Fact]
    public async Task Get_AfterQualifyingProfilesWereProcessed_MemberCountCountsThem()
    {
        await _client.PutAsync("pro", SegmentsClient.Body(SegmentsClient.Pro));
        await _harness.IngestAsync("""
            {"batch":[{"type":"identify","userId":"u-1","traits":{"plan":"pro"}},{"type":"identify","userId":"u-2","traits":{"plan":"pro"}},
                      {"type":"identify","userId":"u-3","traits":{"plan":"free"}}]}
            """);

        var segment = await _client.GetAsync("/api/segments/pro");

        Assert.Equal(200, segment.Status);
        Assert.Equal(2, segment.Json.GetProperty("memberCount").GetInt64());
        Assert.Equal("eq", segment.Json.GetProperty("definition").GetProperty("op").GetString());
    }

    [Fact]
    public async Task Members_PagedByTwo_EveryMemberExactlyOnce()
    {
        await _client.PutAsync("pro", SegmentsClient.Body(SegmentsClient.Pro));
        await _harness.IngestAsync("{\"batch\":[" + string.Join(",", Enumerable.Range(1, 5).Select(i =>
            $$$"""{"type":"identify","userId":"paged-{{{i}}}","traits":{"plan":"pro"}}""")) + "]}");

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await _client.GetAsync("/api/segments/pro/members?pageSize=2" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            Assert.Equal(200, page.Status);
            seen.AddRange(page.Json.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("profileId").GetString()!));
            continuation = page.Json.TryGetProperty("continuation", out var next) ? next.GetString() : null;
            pages++;
        }
        while (continuation is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(5, seen.Count);
    }

    [Theory]
    [InlineData("/api/segments/pro/members?pageSize=0", 400)]
    [InlineData("/api/segments/pro/members?pageSize=1001", 400)]
    [InlineData("/api/segments/pro/members?continuation=not-a-token", 400)]
    [InlineData("/api/segments/nobody/members", 404)]
    public async Task Members_BadPagingOrUnknownSegment_RefusedWithAJsonError(string path, int status)
    {
        await _client.PutAsync("pro", SegmentsClient.Body(SegmentsClient.Pro));

        var answer = await _client.GetAsync(path);

        Assert.Equal(status, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Json.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Delete_Existing_204ThenGone404()
    {
        await _client.PutAsync("short-lived", SegmentsClient.Body(SegmentsClient.Pro));

        var deleted = await _client.DeleteAsync("short-lived");
        var again = await _client.DeleteAsync("short-lived");

        Assert.Equal((204, 404), (deleted.Status, again.Status));
        Assert.Equal(404, (await _client.GetAsync("/api/segments/short-lived")).Status);
        Assert.Empty((await _client.GetAsync("/api/segments")).Json.GetProperty("segments").EnumerateArray());
    }

    [Fact]
    public async Task Preview_UnsavedDefinition_CountsAndSamplesWithoutSaving()
    {
        await _harness.IngestAsync("""{"batch":[{"type":"identify","userId":"u-1","traits":{"plan":"preview-only"}},{"type":"identify","userId":"u-2"}]}""");
        var profile = await _harness.FindProfileAsync("userId", "u-1");

        var preview = await _client.PostAsync("/api/segments/preview", """{"definition":{"trait":"plan","op":"eq","value":"preview-only"}}""");

        Assert.Equal(200, preview.Status);
        Assert.Equal(1, preview.Json.GetProperty("count").GetInt64());
        Assert.Equal([profile!.Id], preview.Json.GetProperty("sample").EnumerateArray().Select(s => s.GetString()));
        Assert.Empty((await _client.GetAsync("/api/segments")).Json.GetProperty("segments").EnumerateArray());
    }

    [Fact]
    public async Task Preview_BadDefinition_400WithItsPath()
    {
        var preview = await _client.PostAsync("/api/segments/preview", """{"definition":{"all":[]}}""");

        Assert.Equal(400, preview.Status);
        Assert.StartsWith("$.definition", preview.Json.GetProperty("errors")[0].GetProperty("path").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProfileSegments_MemberAndNot_ShowsEachStanding()
    {
        await _client.PutAsync("pro", SegmentsClient.Body(SegmentsClient.Pro));
        await _harness.IngestAsync("""{"batch":[{"type":"identify","userId":"u-1","traits":{"plan":"pro"}}]}""");
        var id = (await _harness.FindProfileAsync("userId", "u-1"))!.Id;

        var standing = await _client.As(ApiRoles.ProfilesRead).StandingAsync(id, "pro");

        Assert.True(standing!.Value.GetProperty("member").GetBoolean());
        Assert.Empty(standing.Value.GetProperty("sentTo").EnumerateArray());
        Assert.Equal(404, (await _client.GetAsync("/api/profiles/p-nobody/segments")).Status);
    }

    [Fact]
    public async Task SegmentRoutes_NoCredential_401AndNothingSaved()
    {
        var put = await _client.Anonymous().PutAsync("guarded", SegmentsClient.Body(SegmentsClient.Pro));
        var list = await _client.Anonymous().GetAsync("/api/segments");

        Assert.Equal((401, 401), (put.Status, list.Status));
        Assert.Contains(ApiRoles.SegmentsManage, put.Headers["WWW-Authenticate"], StringComparison.Ordinal);
        Assert.Equal(404, (await _client.GetAsync("/api/segments/guarded")).Status);
    }

    [Fact]
    public async Task SegmentRoutes_ProfileReaderOnly_403AndNothingSaved()
    {
        var reader = _client.As(ApiRoles.ProfilesRead);

        var put = await reader.PutAsync("guarded", SegmentsClient.Body(SegmentsClient.Pro));
        var preview = await reader.PostAsync("/api/segments/preview", """{"definition":{"consent":"marketing"}}""");

        Assert.Equal((403, 403), (put.Status, preview.Status));
        Assert.Contains(ApiRoles.SegmentsManage, put.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, (await _client.GetAsync("/api/segments/guarded")).Status);
    }

    [Fact]
    public async Task ProfileSegments_SegmentManagerWithoutProfilesRead_403()
    {
        var answer = await _client.As(ApiRoles.SegmentsManage).GetAsync("/api/profiles/p-anyone/segments");

        Assert.Equal(403, answer.Status);
        Assert.Contains(ApiRoles.ProfilesRead, answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _harness.Dispose();
}
