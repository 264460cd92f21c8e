using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Destinations;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Functions.Destinations;
using Cdp.Functions.Ingestion;
using Cdp.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Functions.Tests.Destinations;

/// <summary>
/// The Functions app with one webhook destination, <c>crm</c> (purpose marketing, a freshly generated <c>whsec_</c> secret,
/// email and plan mapped), reached through the destinations' named HttpClient whose network is a <see cref="WebhookReceiver"/>,
/// and one segment, <c>buyers</c> (anyone with an <c>Order Completed</c>), sending to it. Events go through the Event Hubs
/// function as ingest serializes them; the pump is the timer function.
/// </summary>
internal sealed class AudienceScenario : IDisposable
{
    public const string Destination = "crm";
    public const string Segment = "buyers";
    public const int MaxAttempts = 3;

    /// <summary>A host that never resolves: a request that bypassed the named client would fail, not reach the receiver.</summary>
    public const string Url = "https://crm.invalid/hooks";

    private long _sequence = 1000;

    public AudienceScenario()
    {
        Secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Receiver = new WebhookReceiver(Secret);
        Harness = new FunctionsHarness()
            .With($"Cdp:Destinations:{Destination}:Type", DestinationTypes.Webhook)
            .With($"Cdp:Destinations:{Destination}:Url", Url)
            .With($"Cdp:Destinations:{Destination}:Secret", Secret)
            .With($"Cdp:Destinations:{Destination}:Purposes:0", "marketing")
            .With($"Cdp:Destinations:{Destination}:Mapping:email", "identifiers.email")
            .With($"Cdp:Destinations:{Destination}:Mapping:plan", "traits.plan")
            .With($"Cdp:Destinations:{Destination}:MaxAttempts", MaxAttempts.ToString(CultureInfo.InvariantCulture));
        Harness.ServiceCollection.AddHttpClient(WebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => Receiver);

        // Receivers check webhook-timestamp against their own clock (the reference verifier: five minutes either way), so
        // the fake clock starts at the real time; the tests move it on by seconds only.
        Harness.Time.SetUtcNow(TimeProvider.System.GetUtcNow());
    }

    public string Secret { get; }

    public WebhookReceiver Receiver { get; }

    public FunctionsHarness Harness { get; }

    public DateTimeOffset Now => Harness.Time.GetUtcNow();

    /// <summary>Saves the segment through Core (the segment HTTP functions are not this suite's).</summary>
    public async Task SaveSegmentAsync()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"name":"Buyers","definition":{"event":"Order Completed"},"destinations":["{{Destination}}"]}""");
        var saved = await Harness.Get<SegmentDefinitions>().SaveAsync(Segment, body, CancellationToken.None);
        Assert.True(saved.Status == SegmentSaveStatus.Created, string.Join("; ", saved.Problems.Select(p => $"{p.Path}: {p.Message}")));
    }

    /// <summary>
    /// The hub messages for an identify (email, plan, the marketing answer) and an <c>Order Completed</c> of one person,
    /// accepted as the ingest route accepts them and serialized as ingest sends them to Event Hubs.
    /// </summary>
    public async Task<string[]> BuyerAsync(string userId, bool marketing)
    {
        var at = Now.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        var answer = marketing ? "true" : "false";
        var json = $$"""
            {"batch":[
              {"type":"identify","userId":"{{userId}}","messageId":"{{userId}}-identify","timestamp":"{{at}}",
               "traits":{"email":"{{userId}}@example.com","plan":"pro"},
               "context":{"consent":{"categoryPreferences":{"marketing":{{answer}} } } } },
              {"type":"track","userId":"{{userId}}","event":"Order Completed","messageId":"{{userId}}-order","timestamp":"{{at}}",
               "properties":{"revenue":30} }
            ]}
            """;
        var accepted = await Harness.AcceptAsync(json);
        return [.. accepted.Select(e => JsonSerializer.Serialize(e, CdpJsonContext.Default.SegmentEvent))];
    }

    /// <summary>The Event Hubs function with these messages, as the extension delivers them.</summary>
    public Task ProcessAsync(string[] messages, DurableTaskClient? durable = null)
    {
        var context = HubMessages.Context("0", Interlocked.Add(ref _sequence, messages.Length), messages.Length, Now);
        return Harness.Create<ProcessEventsFunction>().Run(messages, durable ?? HubMessages.Durable(), context, CancellationToken.None);
    }

    /// <summary>One tick of the DeliveryPump timer function.</summary>
    public Task PumpAsync() => Harness.Create<DeliveryPumpFunction>().Run(new TimerInfo(), CancellationToken.None);

    public async Task<Profile> ProfileAsync(string userId) =>
        await Harness.FindProfileAsync("userId", userId) ?? throw new InvalidOperationException($"no profile for {userId}");

    /// <summary>The delivery id (and webhook-id of a batch of one) of the person's first entry into the segment.</summary>
    public static string EnteredId(string profileId) => $"{Segment}:{profileId}:{Destination}:1";

    /// <summary><c>GET /api/destinations/crm/dead-letters</c> as <paramref name="caller"/> shapes the request.</summary>
    public Task<Answer> DeadLettersAsync(Func<HttpRequest, HttpRequest> caller) =>
        CallAsync(caller(HttpRequests.Get($"/api/destinations/{Destination}/dead-letters")),
            (f, r) => f.ListDeadLetters(r, Destination, CancellationToken.None));

    /// <summary><c>POST /api/destinations/crm/dead-letters/redrive</c> with no body (all of them).</summary>
    public Task<Answer> RedriveAsync(Func<HttpRequest, HttpRequest> caller) =>
        CallAsync(caller(HttpRequests.Build("POST", $"/api/destinations/{Destination}/dead-letters/redrive", null, null, null)),
            (f, r) => f.RedriveDeadLetters(r, Destination, CancellationToken.None));

    /// <summary><c>GET /api/destinations</c>.</summary>
    public Task<Answer> DestinationsAsync(Func<HttpRequest, HttpRequest> caller) =>
        CallAsync(caller(HttpRequests.Get("/api/destinations")), (f, r) => f.List(r, CancellationToken.None));

    /// <summary><c>GET /api/profiles/{id}/destinations</c>.</summary>
    public Task<Answer> ProfileDestinationsAsync(string profileId, Func<HttpRequest, HttpRequest> caller) =>
        CallAsync(caller(HttpRequests.Get($"/api/profiles/{profileId}/destinations")),
            (f, r) => f.ProfileDestinations(r, profileId, CancellationToken.None));

    public void Dispose()
    {
        Harness.Dispose();
        Receiver.Dispose();
    }

    private async Task<Answer> CallAsync(HttpRequest request, Func<DestinationsFunctions, HttpRequest, Task<IActionResult>> call)
    {
        var result = await call(Harness.Create<DestinationsFunctions>(), request);
        return await result.ExecuteAsync(request);
    }
}
