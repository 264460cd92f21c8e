using System.Diagnostics;
using System.Net;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// A receiver that fails is tried again under the same <c>webhook-id</c> (so it can deduplicate), after the pause it asks
/// for; one that keeps failing gets the delivery dead-lettered with the reason, and a redrive sends it once it is back.
/// </summary>
[Collection(AudienceTests.Name)]
public sealed class AudienceRetryTests
{
    private const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";

    [Fact]
    public async Task Webhook_AnswersServerErrorTwiceThenOk_RetriedWithTheSameWebhookIdUntilDelivered()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        receiver.AnswerNext(StatusCodes.Status500InternalServerError);
        receiver.AnswerNext(StatusCodes.Status500InternalServerError);
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url, maxAttempts: 5));
        await host.PutSegmentAsync("pro", Pro, "crm");

        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("ines", "ines-identify-1", plan: "pro", marketing: true));

        await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "ines"), "ines's Audience Entered after two failures");
        await host.WaitForDrainedAsync("crm");
        var requests = receiver.Requests.ToList();
        Assert.Equal([500, 500, 200], requests.Select(r => r.Status));
        Assert.All(requests, r => Assert.True(r.Verified, r.ToString()));
        var profileId = (await host.MembersAsync("pro")).Single();
        Assert.All(requests, r => Assert.Equal($"pro:{profileId}:crm:1", r.WebhookId));
        Assert.All(requests, r => Assert.Equal(r.WebhookId, Assert.Single(r.Events).MessageId()));
        Assert.Equal(0, (await host.DestinationAsync("crm"))["deadLettered"]!.GetValue<long>());
        Assert.Single(await host.LineageAsync(profileId));
    }

    [Fact]
    public async Task Webhook_AnswersUnavailableWithRetryAfter_RetriedAfterThatPauseWithTheSameWebhookId()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        receiver.AnswerNext(StatusCodes.Status503ServiceUnavailable, retryAfterSeconds: 1);

        // Without Retry-After the next try would wait 30 s: a retry within seconds is the receiver's pause, not the back-off.
        await using var host = AudienceHost.Start([.. AudienceHost.Webhook("crm", receiver.Url),
            ("Cdp:Delivery:FirstRetrySeconds", "30"), ("Cdp:Delivery:MaxRetrySeconds", "60")]);
        await host.PutSegmentAsync("pro", Pro, "crm");

        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("jon", "jon-identify-1", plan: "pro", marketing: true));

        await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "jon"), "jon's Audience Entered after Retry-After", TimeSpan.FromSeconds(10));
        var requests = receiver.Requests.ToList();
        Assert.Equal([503, 200], requests.Select(r => r.Status));
        Assert.Equal(requests[0].WebhookId, requests[1].WebhookId);
        Assert.Equal(requests[0].Body, requests[1].Body);
        var pause = Stopwatch.GetElapsedTime(requests[0].ReceivedAt, requests[1].ReceivedAt);
        Assert.True(pause >= TimeSpan.FromSeconds(0.9) && pause < TimeSpan.FromSeconds(10), $"retried after {pause.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Webhook_AlwaysFailing_DeadLetteredWithTheReasonAndRedriveDeliversTheSameWebhookId()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        receiver.FailEverything(StatusCodes.Status500InternalServerError);
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url, maxAttempts: 2));
        await host.PutSegmentAsync("pro", Pro, "crm");

        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("lea", "lea-identify-1", plan: "pro", marketing: true));

        var dead = await Poll.UntilAsync(() => host.Client.GetAsync("/api/destinations/crm/dead-letters"),
            r => r.Json?["deadLetters"]?.AsArray().Count == 1, "lea's delivery to be dead-lettered");
        var letter = dead.Json!["deadLetters"]![0]!;
        var profileId = (await host.MembersAsync("pro")).Single();
        var id = $"pro:{profileId}:crm:1";
        Assert.Equal((id, "entered", 2), (letter["id"]!.GetValue<string>(), letter["kind"]!.GetValue<string>(), letter["attempts"]!.GetValue<int>()));
        Assert.Equal("HTTP 500", letter["reason"]!.GetValue<string>());
        Assert.Equal([id, id], receiver.Requests.Select(r => r.WebhookId));
        Assert.Empty(receiver.Delivered);

        receiver.Recover();
        var redrive = await host.SendAsync(HttpMethod.Post, "/api/destinations/crm/dead-letters/redrive", $$"""{"ids":["{{id}}"]}""");

        Assert.True(redrive.Status == HttpStatusCode.OK && redrive.Json?["redriven"]?.GetValue<int>() == 1, redrive.ToString());
        var delivered = await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "lea"), "lea's redriven Audience Entered");
        Assert.Equal(id, delivered.MessageId());
        Assert.Equal(id, Assert.Single(receiver.Delivered).WebhookId);
        Assert.Empty((await host.Client.GetAsync("/api/destinations/crm/dead-letters")).Json!["deadLetters"]!.AsArray());
        await host.WaitForDrainedAsync("crm");
        Assert.Equal(3, receiver.Requests.Count);
    }
}
