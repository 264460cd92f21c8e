using System.Text.Json.Nodes;
using Cdp.Core.Destinations;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Cdp.Core.Segments;

namespace Cdp.Local.Tests.Destinations;

/// <summary>The local host with a real webhook receiver: deliveries queued through activation arrive signed; dead letters can be redriven.</summary>
public sealed class DestinationsFunctionalTests : IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly TempDataDirectory _data = new();
    private WebhookReceiver _receiver = null!;
    private LocalHostFactory _factory = null!;
    private CdpClient _cdp = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync(Secret);
        _factory = new LocalHostFactory(_data.Path,
            ("Cdp:Destinations:crm:Type", "webhook"),
            ("Cdp:Destinations:crm:Url", _receiver.Url),
            ("Cdp:Destinations:crm:Secret", Secret),
            ("Cdp:Destinations:crm:Purposes:0", "marketing"),
            ("Cdp:Destinations:crm:Mapping:email", "identifiers.email"),
            ("Cdp:Destinations:crm:Mapping:plan", "traits.plan"));
        _cdp = _factory.CreateCdpClient();
    }

    [Fact]
    public async Task EnqueueAsync_MemberOfASegment_ArrivesSignedWithTheMappedFieldsAndIsRecorded()
    {
        var profileId = await ConsentingProfileAsync("u-1", "one@example.com");

        await ActivateAsync(profileId, seq: 1);

        var (webhookId, body) = await Poll.UntilAsync(() => Task.FromResult(_receiver.Accepted.FirstOrDefault()), r => r.Body is not null, "the webhook");
        Assert.Empty(_receiver.Unverified);
        Assert.Equal($"vip:{profileId}:crm:1", webhookId);
        var sent = JsonNode.Parse(body)!["batch"]![0]!;
        Assert.Equal(("Audience Entered", "u-1"), (sent["event"]!.GetValue<string>(), sent["userId"]!.GetValue<string>()));
        Assert.Equal("""{"email":"one@example.com","plan":"gold"}""", sent["context"]!["traits"]!.ToJsonString());
        var ledger = await Poll.UntilAsync(() => _cdp.GetAsync($"/api/profiles/{profileId}/destinations"),
            r => r.Json?["deliveries"]?.AsArray().Count == 1, "the ledger line");
        var line = ledger.Json!["deliveries"]![0]!;
        Assert.Equal(("crm", "vip"), (line["destination"]!.GetValue<string>(), line["segment"]!.GetValue<string>()));
        Assert.Equal("""["userId","email","plan"]""", line["fields"]!.ToJsonString());
    }

    [Fact]
    public async Task DeadLetters_RefusedDelivery_IsListedAndRedriveDeliversIt()
    {
        var profileId = await ConsentingProfileAsync("u-2", "two@example.com");
        _receiver.RefuseNext(StatusCodes.Status422UnprocessableEntity);

        await ActivateAsync(profileId, seq: 3);

        var dead = await Poll.UntilAsync(() => _cdp.GetAsync("/api/destinations/crm/dead-letters?pageSize=10"),
            r => r.Json?["deadLetters"]?.AsArray().Count == 1, "the dead letter");
        var letter = dead.Json!["deadLetters"]![0]!;
        Assert.Equal(($"vip:{profileId}:crm:3", profileId, "entered", 1), (letter["id"]!.GetValue<string>(), letter["profileId"]!.GetValue<string>(),
            letter["kind"]!.GetValue<string>(), letter["attempts"]!.GetValue<int>()));
        Assert.StartsWith("HTTP 422", letter["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var listed = await _cdp.GetAsync("/api/destinations");
        var crm = listed.Json!["destinations"]![0]!;
        Assert.Equal(("crm", "webhook", 1L), (crm["key"]!.GetValue<string>(), crm["type"]!.GetValue<string>(), crm["deadLettered"]!.GetValue<long>()));
        Assert.DoesNotContain("whsec_", listed.Body, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/destinations/crm/dead-letters/redrive")
        {
            Content = new StringContent($$"""{"ids":["vip:{{profileId}}:crm:3"]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        var redrive = await _cdp.SendAsync(request);

        Assert.True(redrive.Json?["redriven"]?.GetValue<int>() == 1, redrive.ToString());
        await Poll.UntilAsync(() => Task.FromResult(_receiver.Accepted.Count), n => n == 1, "the redriven delivery");
        var after = await _cdp.GetAsync("/api/destinations/crm/dead-letters");
        Assert.Empty(after.Json!["deadLetters"]!.AsArray());
    }

    [Fact]
    public async Task DeadLetters_UnknownDestination_404()
    {
        var response = await _cdp.GetAsync("/api/destinations/nope/dead-letters");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.Status);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    private async Task<string> ConsentingProfileAsync(string userId, string email)
    {
        var identify = Events.Identify(userId, email, plan: "gold");
        identify["context"] = new JsonObject { ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["marketing"] = true } } };
        await _cdp.PostAsync("/v1/batch", Events.Batch(identify));
        return (await _cdp.WaitForProfileAsync("userId", userId)).Id();
    }

    private Task ActivateAsync(string profileId, int seq)
    {
        var activation = _factory.Services.GetRequiredService<IAudienceActivation>();
        return activation.EnqueueAsync(
            [new AudienceDelivery($"vip:{profileId}:crm:{seq}", "crm", "vip", "VIP customers", profileId, AudienceDeliveryKinds.Entered,
                TimeProvider.System.GetUtcNow())], CancellationToken.None);
    }
}
