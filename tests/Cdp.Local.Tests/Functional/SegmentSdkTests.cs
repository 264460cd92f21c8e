using System.Net;
using System.Text.RegularExpressions;
using Cdp.Local.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cdp.Local.Tests.Functional;

/// <summary>The unchanged Segment Node SDK, pointed at the host, works: the wire format and auth are Segment's.</summary>
/// <remarks>What the SDK sent and what the host answered go to the test output (<c>--logger "console;verbosity=detailed"</c>).</remarks>
[Collection(RealClients.Name)]
public sealed partial class SegmentSdkTests(ITestOutputHelper log)
{
    private const string Key = "segment-sdk-test-key";

    /// <summary>Events an ingest-only host holds before it refuses more: tiny, so one batch fills it.</summary>
    private const int MaxQueueDepth = 10;

    [Fact]
    public async Task AnalyticsNode_IdentifyPageTrack_ProfileShowsTraitsAndCounts()
    {
        await NodeScript.EnsureNodeModulesAsync();
        using var data = new TempDataDirectory();
        await using var host = await ChildHost.StartAsync(data.Path, $"--Cdp:Local:DefaultWriteKey={Key}");

        var (exitCode, output) = await NodeScript.RunAsync("segment-sdk.mjs", host.Url, Key, "sdk-user-1", "Sdk.User@Example.com");
        log.WriteLine(output);

        Assert.True(exitCode == 0, "segment-sdk.mjs failed: " + output);
        Assert.Contains($"wire: POST {host.Url}/v1/batch content-type=application/json auth=Basic -> 200", output, StringComparison.Ordinal);
        await AssertProfileAsync(host.Client(Key), "sdk-user-1", "sdk.user@example.com");
    }

    [Fact]
    public async Task AnalyticsNode_QueueOverDepth_RetriesAfter429AndProfileAppears()
    {
        await NodeScript.EnsureNodeModulesAsync();
        using var data = new TempDataDirectory();

        // An ingest-only host (nothing drains its outbox) whose outbox is already past its maximum depth.
        await using var ingestOnly = await ChildHost.StartAsync(data.Path,
            $"--Cdp:Local:DefaultWriteKey={Key}", "--Cdp:Local:Processing:Enabled=false",
            $"--Cdp:Local:Ingestion:MaxQueueDepth={MaxQueueDepth}", "--Cdp:Local:Ingestion:RetryAfterSeconds=1");
        var client = ingestOnly.Client(Key);
        var filler = Enumerable.Range(0, MaxQueueDepth * 2).Select(i => Events.Track("queue-filler", "Filler", $"filler-{i}")).ToArray();
        var filled = await client.PostAsync("/v1/batch", Events.Batch(filler));
        Assert.Equal(HttpStatusCode.OK, filled.Status);
        Assert.True(await client.OutboxCountAsync() > MaxQueueDepth);

        // The host reads its depth every quarter second: wait until it refuses, so the SDK's first request is refused.
        await Poll.UntilAsync(
            () => client.PostAsync("/v1/track", Events.Single(Events.Track("queue-filler", "Filler"))),
            r => r.Status == HttpStatusCode.TooManyRequests, "the ingest-only host to answer 429");

        // The SDK is refused with 429 and Retry-After, and keeps its events.
        await using var sdk = NodeScript.Start("segment-sdk.mjs", ingestOnly.Url, Key, "queue-user-1", "Queue.User@Example.com", "60000");
        var refused = await sdk.WaitForLineAsync(
            line => line.StartsWith("wire: ", StringComparison.Ordinal) && line.Contains("/v1/batch", StringComparison.Ordinal) && line.Contains(" -> 429", StringComparison.Ordinal),
            "the SDK's batch to be refused with 429", TimeSpan.FromSeconds(20));
        var retryAfter = RetryAfter().Match(refused);
        Assert.True(retryAfter.Success, "429 without Retry-After: " + refused);

        // A host with processing starts on the same data and drains the outbox; the SDK's retry, Retry-After seconds
        // later, is accepted.
        await using var processing = await ChildHost.StartAsync(data.Path, $"--Cdp:Local:DefaultWriteKey={Key}");
        var exitCode = await sdk.WaitForExitAsync(TimeSpan.FromSeconds(60));
        log.WriteLine(sdk.Output);

        Assert.True(exitCode == 0, "segment-sdk.mjs failed: " + sdk.Output);
        var answers = sdk.Lines.Where(l => l.StartsWith("POST ", StringComparison.Ordinal)).ToList();
        Assert.True(answers.Count >= 2 && answers[0].Contains("-> 429", StringComparison.Ordinal) && answers[^1].Contains("-> 200", StringComparison.Ordinal),
            "expected 429 then 200 from the SDK's http_response events:" + Environment.NewLine + sdk.Output);
        Assert.Contains("x-retry-count=", sdk.Output, StringComparison.Ordinal);
        await AssertProfileAsync(processing.Client(Key), "queue-user-1", "queue.user@example.com");
    }

    private static async Task AssertProfileAsync(CdpClient client, string userId, string email)
    {
        var profile = await client.WaitForProfileAsync("email", email, p => p.EventCount() >= 3, TimeSpan.FromSeconds(30));
        Assert.Equal(profile.Id(), (await client.FindProfileAsync("userId", userId))!.Id());
        Assert.Equal("Sdk Tester", profile.Trait("name"));
        Assert.Equal("pro", profile.Trait("plan"));
        Assert.Equal(1, profile.CountOf("identify"));
        Assert.Equal(1, profile.CountOf("page"));
        Assert.Equal(1, profile.CountOf("Plan Upgraded"));
        Assert.Equal(3, profile.EventCount());
    }

    [GeneratedRegex(@"-> 429 retry-after=\d+")]
    private static partial Regex RetryAfter();
}
