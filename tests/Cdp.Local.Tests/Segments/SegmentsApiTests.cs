using System.Diagnostics;
using System.Net;
using Cdp.Core.Authorization;
using Cdp.Core.Segments;
using Cdp.Core.Workflows;
using Cdp.Local.Tests.Authorization;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Segments;

/// <summary>The segments API as a marketer meets it on the local host: define, watch members arrive, preview, refresh, delete.</summary>
public sealed class SegmentsApiTests(SegmentsHost host) : IClassFixture<SegmentsHost>
{
    private const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";

    private static string Body(string definition, params string[] destinations) =>
        """{"name":"Pro customers","definition":""" + definition + ""","destinations":[""" + string.Join(",", destinations.Select(d => "\"" + d + "\"")) + "]}";

    private static string ProIdentify(string userId) =>
        """{"userId":""" + "\"" + userId + "\"" + ""","traits":{"plan":"pro"},"context":{"consent":{"categoryPreferences":{"marketing":true}}}}""";

    [Fact]
    public async Task Put_ThenQualifyingEvent_MemberListedWithinOneSecondAndEnteredOnce()
    {
        var created = await host.PutAsync("/api/segments/pro-fast", Body(Pro, "crm"));
        Assert.Equal(HttpStatusCode.Created, created.Status);

        // Warm the processing path, so the timed event measures membership, not the first batch's start-up.
        await host.Client.PostAsync("/v1/identify", """{"userId":"warm-up","traits":{"plan":"free"}}""");
        await host.Client.WaitForProfileAsync("userId", "warm-up");

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/v1/identify", ProIdentify("fast-1"))).Status);
        var members = await Poll.UntilAsync(
            () => host.Client.GetAsync("/api/segments/pro-fast/members"),
            r => r.Json?["members"]?.AsArray().Count == 1,
            "the new member in the listing",
            TimeSpan.FromSeconds(1));
        clock.Stop();

        var profile = await host.Client.WaitForProfileAsync("userId", "fast-1");
        Assert.Equal(profile.Id(), members.Json!["members"]![0]!["profileId"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        var segment = (await host.Client.GetAsync("/api/segments/pro-fast")).Json!;
        Assert.Equal(1, segment["memberCount"]!.GetValue<long>());
        Assert.Equal([$"pro-fast:{profile.Id()}:crm:1"], host.Activation.Deliveries.Where(d => d.SegmentKey == "pro-fast").Select(d => d.Id));
    }

    [Fact]
    public async Task Put_Twice_201Then200AndListedWithItsDefinition()
    {
        var first = await host.PutAsync("/api/segments/twice", Body(Pro));
        var second = await host.PutAsync("/api/segments/twice", Body("""{"consent":"marketing"}""", "crm"));
        var list = await host.Client.GetAsync("/api/segments");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.Status, second.Status));
        var listed = list.Json!["segments"]!.AsArray().Single(s => s!["key"]!.GetValue<string>() == "twice")!;
        Assert.Equal("marketing", listed["definition"]!["consent"]!.GetValue<string>());
        Assert.Equal("crm", listed["destinations"]![0]!.GetValue<string>());
        Assert.Equal(first.Json!["createdAt"]!.ToString(), listed["createdAt"]!.ToString());
    }

    [Theory]
    [InlineData("Bad_Key", """{"name":"x","definition":{"consent":"marketing"}}""", "$.key")]
    [InlineData("no-name", """{"definition":{"consent":"marketing"}}""", "$.name")]
    [InlineData("no-definition", """{"name":"x"}""", "$.definition")]
    [InlineData("bad-definition", """{"name":"x","definition":{"trait":"plan","op":"near","value":1}}""", "$.definition.op")]
    [InlineData("unknown-destination", """{"name":"x","definition":{"consent":"marketing"},"destinations":["crm","nowhere"]}""", "$.destinations[1]")]
    [InlineData("not-json", """{"name":""", "$")]
    public async Task Put_BadBody_400ListingEachProblemByPath(string key, string body, string path)
    {
        var response = await host.PutAsync($"/api/segments/{key}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(response.Json!["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == path && e["message"]!.GetValue<string>().Length > 0);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/segments/{key}")).Status);
    }

    [Fact]
    public async Task Delete_Existing204ThenMissing404()
    {
        await host.PutAsync("/api/segments/short-lived", Body(Pro));

        var deleted = await host.DeleteAsync("/api/segments/short-lived");
        var again = await host.DeleteAsync("/api/segments/short-lived");

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted.Status, again.Status));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/segments/short-lived/members")).Status);
    }

    [Fact]
    public async Task Preview_UnsavedDefinition_CountsAndSamplesWithoutSaving()
    {
        await host.Client.PostAsync("/v1/identify", """{"userId":"preview-1","traits":{"plan":"preview-only"}}""");
        var profile = await host.Client.WaitForProfileAsync("userId", "preview-1");

        var preview = await host.PostApiAsync("/api/segments/preview", """{"definition":{"trait":"plan","op":"eq","value":"preview-only"}}""");

        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Equal(1, preview.Json!["count"]!.GetValue<long>());
        Assert.Equal(profile.Id(), preview.Json["sample"]![0]!.GetValue<string>());
        Assert.DoesNotContain((await host.Client.GetAsync("/api/segments")).Json!["segments"]!.AsArray(), s => s!["definition"]!["value"]?.ToString() == "preview-only");
    }

    [Fact]
    public async Task ProfileSegments_Member_ShowsStandingAndWhereItWasSent()
    {
        await host.PutAsync("/api/segments/pro-standing", Body(Pro, "crm"));
        await host.Client.PostAsync("/v1/identify", ProIdentify("standing-1"));
        var profile = await host.Client.WaitForProfileAsync("userId", "standing-1");

        var standing = await Poll.UntilAsync(
            () => host.GetAsync($"/api/profiles/{profile.Id()}/segments", TestKeys.Reader),
            r => r.Json?["segments"]?.AsArray().Any(s => s!["key"]!.GetValue<string>() == "pro-standing") == true,
            "the standing on the profile");

        var pro = standing.Json!["segments"]!.AsArray().Single(s => s!["key"]!.GetValue<string>() == "pro-standing")!;
        Assert.True(pro["member"]!.GetValue<bool>());
        Assert.Equal(["crm"], pro["sentTo"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_OnTheLocalRunner_EvaluatesStoredProfilesAndEntersThoseADefinitionSavedLaterSelects()
    {
        await host.Client.PostAsync("/v1/identify", """{"userId":"late-1","traits":{"plan":"late"}}""");
        var profile = await host.Client.WaitForProfileAsync("userId", "late-1");
        await host.Client.WaitForEmptyOutboxAsync();
        await host.PutAsync("/api/segments/late", Body("""{"trait":"plan","op":"eq","value":"late"}"""));

        var started = await host.PostApiAsync("/api/segments/refresh", "{}");
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        var instanceId = started.Json!["instanceId"]!.GetValue<string>();
        using var deadline = new CancellationTokenSource(Poll.DefaultTimeout);
        var done = await host.Factory.Services.GetRequiredService<IWorkflowClient>().WaitForCompletionAsync(instanceId, deadline.Token);

        Assert.Equal(WorkflowStatus.Completed, done!.Status);
        Assert.True(done.ReadOutput<SegmentRefreshCounts>()!.Evaluated >= 1);
        var members = (await host.Client.GetAsync("/api/segments/late/members")).Json!["members"]!.AsArray();
        Assert.Equal([profile.Id()], members.Select(m => m!["profileId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Members_Paged_EveryMemberOnceAndBadTokenRefused()
    {
        await host.PutAsync("/api/segments/paged", Body("""{"trait":"plan","op":"eq","value":"paged"}"""));
        foreach (var i in Enumerable.Range(1, 5))
        {
            await host.Client.PostAsync("/v1/identify", $$$"""{"userId":"paged-{{{i}}}","traits":{"plan":"paged"}}""");
        }

        await Poll.UntilAsync(() => host.Client.GetAsync("/api/segments/paged"), r => r.Json?["memberCount"]?.GetValue<long>() == 5, "five members");
        var seen = new List<string>();
        string? continuation = null;
        do
        {
            var page = (await host.Client.GetAsync($"/api/segments/paged/members?pageSize=2{(continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))}")).Json!;
            seen.AddRange(page["members"]!.AsArray().Select(m => m!["profileId"]!.GetValue<string>()));
            continuation = page["continuation"]?.GetValue<string>();
        }
        while (continuation is not null);

        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(5, seen.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("/api/segments/paged/members?continuation=%21%21")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("/api/segments/paged/members?pageSize=0")).Status);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(TestKeys.Reader, HttpStatusCode.Forbidden)]
    public async Task SegmentRoutes_WithoutSegmentsManage_Refused(string? key, HttpStatusCode expected)
    {
        var bearer = key ?? string.Empty;
        var put = await host.PutAsync("/api/segments/guarded", Body(Pro), key is null ? "missing" : bearer);
        var get = await host.GetAsync("/api/segments", key is null ? "missing" : bearer);
        var lacking = await host.GetAsync("/api/segments", TestKeys.Lacking(ApiRoles.SegmentsManage));

        Assert.Equal(key is null ? HttpStatusCode.Unauthorized : expected, put.Status);
        Assert.Equal(expected, get.Status);
        Assert.Equal(HttpStatusCode.Forbidden, lacking.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/segments/guarded")).Status);
    }

    [Fact]
    public async Task ProfileSegments_KeyWithoutProfilesRead_403()
    {
        var response = await host.GetAsync("/api/profiles/p-anyone/segments", TestKeys.Lacking(ApiRoles.ProfilesRead));

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
    }
}
