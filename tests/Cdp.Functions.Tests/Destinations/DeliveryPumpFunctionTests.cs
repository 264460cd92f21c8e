using System.Text.Json;
using Cdp.Core.Authorization;
using Cdp.Functions.Profiles;
using Cdp.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Cdp.Functions.Tests.Destinations;

/// <summary>
/// Audience activation on the Functions app: a qualifying event through the Event Hubs function makes the person a
/// member, the DeliveryPump timer function sends the entry to the webhook signed per Standard Webhooks, retries under the
/// same webhook-id, dead-letters what keeps failing, and the destination functions show and redrive it.
/// </summary>
public sealed class DeliveryPumpFunctionTests : IDisposable
{
    private readonly AudienceScenario _scenario = new();

    private WebhookReceiver Receiver => _scenario.Receiver;

    [Fact]
    public async Task Run_QualifyingEventProcessedThroughTheHub_MemberAtOnceAndOneSignedAudienceEnteredBatchIsSent()
    {
        await _scenario.SaveSegmentAsync();

        await _scenario.ProcessAsync(await _scenario.BuyerAsync("ana-1", marketing: true));

        // A member as soon as the batch is processed, before any pump ran.
        var profile = await _scenario.ProfileAsync("ana-1");
        Assert.True(profile.Segments[AudienceScenario.Segment].Member);
        Assert.Empty(Receiver.Received);

        await _scenario.PumpAsync();

        var request = Assert.Single(Receiver.Received);
        Assert.Null(request.Unverified);
        Assert.Equal(AudienceScenario.Url, request.Url.ToString());
        Assert.Equal(AudienceScenario.EnteredId(profile.Id), request.WebhookId);
        var sent = Assert.Single(request.Events);
        Assert.Equal(("track", "Audience Entered", "ana-1"), (Text(sent, "type"), Text(sent, "event"), Text(sent, "userId")));
        Assert.Equal(request.WebhookId, Text(sent, "messageId"));
        Assert.Equal((AudienceScenario.Segment, "Buyers"),
            (Text(sent.GetProperty("properties"), "audience_key"), Text(sent.GetProperty("properties"), "audience_name")));
        Assert.Equal("""{"email":"ana-1@example.com","plan":"pro"}""", sent.GetProperty("context").GetProperty("traits").GetRawText());
    }

    [Fact]
    public async Task Run_SameBatchProcessedAgainAndPumpRunAgain_SendsNothingMore()
    {
        await _scenario.SaveSegmentAsync();
        var batch = await _scenario.BuyerAsync("ana-1", marketing: true);
        await _scenario.ProcessAsync(batch);
        await _scenario.PumpAsync();
        Assert.Single(Receiver.Received);

        // The hub delivers the same batch again (a checkpoint lost), and the timer fires again, later.
        await _scenario.ProcessAsync(batch);
        _scenario.Harness.Time.Advance(TimeSpan.FromMinutes(1));
        await _scenario.PumpAsync();

        Assert.Single(Receiver.Received);
        var standing = (await _scenario.ProfileAsync("ana-1")).Segments[AudienceScenario.Segment];
        Assert.Equal((true, 1L), (standing.Member, standing.Seq));
    }

    [Fact]
    public async Task Run_MemberWhoDeclinedMarketing_IsAMemberButIsNeverSent()
    {
        await _scenario.SaveSegmentAsync();

        await _scenario.ProcessAsync([.. await _scenario.BuyerAsync("bo-2", marketing: false), .. await _scenario.BuyerAsync("ana-1", marketing: true)]);
        await _scenario.PumpAsync();
        _scenario.Harness.Time.Advance(TimeSpan.FromMinutes(1));
        await _scenario.PumpAsync();

        var declined = await _scenario.ProfileAsync("bo-2");
        Assert.True(declined.Segments[AudienceScenario.Segment].Member);

        // Only the person who consented was sent; nothing of the other waits in the queue or reached the export ledger.
        var request = Assert.Single(Receiver.Received);
        Assert.Equal("ana-1", Text(Assert.Single(request.Events), "userId"));
        Assert.DoesNotContain("bo-2", request.Body, StringComparison.Ordinal);
        var crm = Assert.Single((await _scenario.DestinationsAsync(r => r.As(ApiRoles.SegmentsManage))).Json.GetProperty("destinations").EnumerateArray());
        Assert.Equal((0, 0), (crm.GetProperty("queued").GetInt32(), crm.GetProperty("deadLettered").GetInt32()));
        var lineage = await _scenario.ProfileDestinationsAsync(declined.Id, r => r.As(ApiRoles.ProfilesRead));
        Assert.Equal(StatusCodes.Status200OK, lineage.Status);
        Assert.Empty(lineage.Json.GetProperty("deliveries").EnumerateArray());
    }

    [Fact]
    public async Task Run_MemberWithdrawsMarketingThroughPutConsent_AudienceExitedIsSentUnderItsOwnId()
    {
        await _scenario.SaveSegmentAsync();
        await _scenario.ProcessAsync(await _scenario.BuyerAsync("ana-1", marketing: true));
        await _scenario.PumpAsync();
        var profileId = (await _scenario.ProfileAsync("ana-1")).Id;
        _scenario.Harness.Time.Advance(TimeSpan.FromSeconds(30));

        var at = _scenario.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var put = HttpRequests.Put($"/api/profiles/{profileId}/consent", $$"""{"source":"preference-center","purposes":{"marketing":false},"timestamp":"{{at}}"}""")
            .As(ApiRoles.ProfilesWrite);
        var answer = await (await _scenario.Harness.Create<ConsentFunctions>().Put(put, profileId, CancellationToken.None)).ExecuteAsync(put);
        Assert.Equal(StatusCodes.Status200OK, answer.Status);
        await _scenario.PumpAsync();

        // Still a member of the segment, but the receiver is told to drop the person, and is told once.
        Assert.True((await _scenario.ProfileAsync("ana-1")).Segments[AudienceScenario.Segment].Member);
        var tries = Receiver.Received.ToList();
        Assert.Equal(2, tries.Count);
        Assert.All(tries, t => Assert.Null(t.Unverified));
        var exited = Assert.Single(tries[1].Events);
        Assert.Equal(("Audience Exited", $"{AudienceScenario.Segment}:{profileId}:{AudienceScenario.Destination}:2"),
            (Text(exited, "event"), tries[1].WebhookId));
        _scenario.Harness.Time.Advance(TimeSpan.FromSeconds(30));
        await _scenario.PumpAsync();
        Assert.Equal(2, Receiver.Received.Count);
    }

    [Fact]
    public async Task Run_ReceiverAnswers500_RetriedAfterTheBackOffWithTheSameWebhookId()
    {
        await _scenario.SaveSegmentAsync();
        Receiver.Answer(StatusCodes.Status500InternalServerError);
        await _scenario.ProcessAsync(await _scenario.BuyerAsync("ana-1", marketing: true));

        // The second tick comes before the retry is due: nothing is sent.
        await _scenario.PumpAsync();
        await _scenario.PumpAsync();
        Assert.Single(Receiver.Received);

        // First retry after 5 s (Cdp:Delivery:FirstRetrySeconds).
        _scenario.Harness.Time.Advance(TimeSpan.FromSeconds(5));
        await _scenario.PumpAsync();

        var tries = Receiver.Received.ToList();
        Assert.Equal([StatusCodes.Status500InternalServerError, StatusCodes.Status200OK], tries.Select(t => t.Answered));
        Assert.All(tries, t => Assert.Null(t.Unverified));
        Assert.Equal(tries[0].WebhookId, tries[1].WebhookId);
        Assert.Equal(Text(tries[0].Events[0], "messageId"), Text(tries[1].Events[0], "messageId"));
        var dead = await _scenario.DeadLettersAsync(r => r.As(ApiRoles.SegmentsManage));
        Assert.Empty(dead.Json.GetProperty("deadLetters").EnumerateArray());
    }

    [Fact]
    public async Task Run_ReceiverAlwaysFails_DeadLetteredWithTheReasonThenRedriveDeliversTheSameIdAndLineageShowsIt()
    {
        await _scenario.SaveSegmentAsync();
        Receiver.Otherwise = StatusCodes.Status503ServiceUnavailable;
        await _scenario.ProcessAsync(await _scenario.BuyerAsync("ana-1", marketing: true));
        var profileId = (await _scenario.ProfileAsync("ana-1")).Id;

        // MaxAttempts (3) tries, 5 s then 10 s apart.
        await _scenario.PumpAsync();
        _scenario.Harness.Time.Advance(TimeSpan.FromSeconds(5));
        await _scenario.PumpAsync();
        _scenario.Harness.Time.Advance(TimeSpan.FromSeconds(10));
        await _scenario.PumpAsync();
        _scenario.Harness.Time.Advance(TimeSpan.FromMinutes(1));
        await _scenario.PumpAsync();

        Assert.Equal(AudienceScenario.MaxAttempts, Receiver.Received.Count);
        Assert.Single(Receiver.Received.Select(r => r.WebhookId).Distinct());
        var dead = await _scenario.DeadLettersAsync(r => r.As(ApiRoles.SegmentsManage));
        Assert.Equal(StatusCodes.Status200OK, dead.Status);
        var letter = Assert.Single(dead.Json.GetProperty("deadLetters").EnumerateArray());
        Assert.Equal(AudienceScenario.EnteredId(profileId), Text(letter, "id"));
        Assert.Equal((AudienceScenario.Segment, profileId, "entered"), (Text(letter, "segment"), Text(letter, "profileId"), Text(letter, "kind")));
        Assert.Equal(AudienceScenario.MaxAttempts, letter.GetProperty("attempts").GetInt32());
        Assert.Equal("HTTP 503", Text(letter, "reason"));
        Assert.Empty((await _scenario.ProfileDestinationsAsync(profileId, r => r.As(ApiRoles.ProfilesRead))).Json.GetProperty("deliveries").EnumerateArray());

        // The receiver is fixed; someone who manages segments redrives, and the next tick delivers under the same id.
        Receiver.Otherwise = StatusCodes.Status200OK;
        var redrive = await _scenario.RedriveAsync(r => r.As(ApiRoles.SegmentsManage));
        Assert.Equal((StatusCodes.Status200OK, 1), (redrive.Status, redrive.Json.GetProperty("redriven").GetInt32()));
        await _scenario.PumpAsync();

        var last = Receiver.Received.Last();
        Assert.Equal((StatusCodes.Status200OK, AudienceScenario.EnteredId(profileId)), (last.Answered, last.WebhookId));
        Assert.Null(last.Unverified);
        Assert.Empty((await _scenario.DeadLettersAsync(r => r.As(ApiRoles.SegmentsManage))).Json.GetProperty("deadLetters").EnumerateArray());

        var lineage = await _scenario.ProfileDestinationsAsync(profileId, r => r.As(ApiRoles.ProfilesRead));
        Assert.Equal(StatusCodes.Status200OK, lineage.Status);
        var line = Assert.Single(lineage.Json.GetProperty("deliveries").EnumerateArray());
        Assert.Equal((AudienceScenario.EnteredId(profileId), AudienceScenario.Destination, AudienceScenario.Segment),
            (Text(line, "id"), Text(line, "destination"), Text(line, "segment")));
        Assert.Equal(["userId", "email", "plan"], line.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task ListDeadLetters_WithoutSegmentsManage_401Or403AndNothingListed()
    {
        await _scenario.SaveSegmentAsync();
        Receiver.Otherwise = StatusCodes.Status410Gone;
        await _scenario.ProcessAsync(await _scenario.BuyerAsync("ana-1", marketing: true));
        await _scenario.PumpAsync();

        var anonymous = await _scenario.DeadLettersAsync(r => r);
        var reader = await _scenario.DeadLettersAsync(r => r.As(ApiRoles.ProfilesRead, ApiRoles.PrivacyManage));
        var redrive = await _scenario.RedriveAsync(r => r.As(ApiRoles.ProfilesRead));
        var manager = await _scenario.DeadLettersAsync(r => r.As(ApiRoles.SegmentsManage));

        Assert.Equal(StatusCodes.Status401Unauthorized, anonymous.Status);
        Assert.Equal(StatusCodes.Status403Forbidden, reader.Status);
        Assert.Equal(StatusCodes.Status403Forbidden, redrive.Status);
        Assert.All([anonymous, reader, redrive], a => Assert.DoesNotContain("ana-1", a.Body, StringComparison.Ordinal));

        // A refusal (4xx other than 408 and 429) is dead-lettered at once, and stays so: the forbidden redrive did nothing.
        var letter = Assert.Single(manager.Json.GetProperty("deadLetters").EnumerateArray());
        Assert.Equal(1, letter.GetProperty("attempts").GetInt32());
        Assert.StartsWith("HTTP 410", Text(letter, "reason"), StringComparison.Ordinal);
        Assert.Single(Receiver.Received);
    }

    public void Dispose() => _scenario.Dispose();

    private static string? Text(JsonElement element, string property) => element.GetProperty(property).GetString();
}
