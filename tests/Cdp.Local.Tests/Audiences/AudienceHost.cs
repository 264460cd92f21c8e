using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// The local host on its own data directory as an operator configures it for audiences: webhook destinations under
/// <c>Cdp:Destinations</c> (signed with <see cref="AudienceReceiver.Secret"/>, needing marketing consent, sending the
/// email), short retry pauses, and no scheduled refresh during a test (a refresh is asked for through the API). What a
/// test then does goes through HTTP: events with the default source's write key, the rest with the admin key.
/// </summary>
internal sealed class AudienceHost : IAsyncDisposable
{
    /// <summary>Once a year: the scheduler stays out of the way; tests refresh with <c>POST /api/segments/refresh</c>.</summary>
    public const string RarelyScheduled = "0 0 0 1 1 *";

    private readonly TempDataDirectory _data = new();

    private AudienceHost(IEnumerable<(string Key, string Value)> settings, TimeProvider? clock)
    {
        Factory = new LocalHostFactory(_data.Path, [.. Defaults, .. settings])
        {
            TestServices = clock is null ? null : services => services.Replace(ServiceDescriptor.Singleton(clock)),
        };
        Client = Factory.CreateCdpClient();
    }

    /// <summary>Retries after 1 s (the least the settings allow), every destination polled each second.</summary>
    public static IEnumerable<(string Key, string Value)> Defaults =>
    [
        ("SegmentRefreshSchedule", RarelyScheduled),
        ("Cdp:Delivery:FirstRetrySeconds", "1"),
        ("Cdp:Delivery:MaxRetrySeconds", "1"),
        ("Cdp:Delivery:PollSeconds", "1"),
    ];

    public LocalHostFactory Factory { get; }

    public CdpClient Client { get; }

    public string DataDirectory => _data.Path;

    /// <summary>Starts the host; <paramref name="clock"/> stands in for the system clock when given.</summary>
    public static AudienceHost Start(IEnumerable<(string Key, string Value)> settings, TimeProvider? clock = null) => new(settings, clock);

    /// <summary>The settings of a webhook destination needing marketing consent and sending the email besides the ids.</summary>
    public static IEnumerable<(string Key, string Value)> Webhook(string key, string url, int maxAttempts = 8) =>
    [
        ($"Cdp:Destinations:{key}:Type", "webhook"),
        ($"Cdp:Destinations:{key}:Url", url),
        ($"Cdp:Destinations:{key}:Secret", AudienceReceiver.Secret),
        ($"Cdp:Destinations:{key}:Purposes:0", "marketing"),
        ($"Cdp:Destinations:{key}:Mapping:email", "identifiers.email"),
        ($"Cdp:Destinations:{key}:MaxAttempts", maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary><c>PUT /api/segments/{key}</c>; the segment must be new.</summary>
    public async Task PutSegmentAsync(string key, string definition, params string[] destinations)
    {
        var body = new JsonObject
        {
            ["name"] = key + " audience",
            ["definition"] = JsonNode.Parse(definition),
            ["destinations"] = new JsonArray([.. destinations.Select(d => (JsonNode)JsonValue.Create(d))]),
        };
        var response = await SendAsync(HttpMethod.Put, $"/api/segments/{key}", body.ToJsonString());
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
    }

    /// <summary>An event (or a batch) with the default source's write key; it must be accepted.</summary>
    public async Task IngestAsync(string path, JsonObject call)
    {
        var response = await Client.PostAsync(path, call.ToJsonString());
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
    }

    /// <summary>Profile ids listed by <c>GET /api/segments/{key}/members</c> (one page is plenty here).</summary>
    public async Task<IReadOnlyList<string>> MembersAsync(string segmentKey)
    {
        var response = await Client.GetAsync($"/api/segments/{segmentKey}/members?pageSize=1000");
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return [.. response.Json!["members"]!.AsArray().Select(m => m!["profileId"]!.GetValue<string>())];
    }

    /// <summary><c>POST /api/segments/refresh</c>: 202 with the workflow instance.</summary>
    public async Task RefreshAsync()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/segments/refresh", "{}");
        Assert.True(response.Status == HttpStatusCode.Accepted, response.ToString());
    }

    /// <summary>The destination as <c>GET /api/destinations</c> lists it (queued and dead-lettered counts).</summary>
    public async Task<JsonObject> DestinationAsync(string key)
    {
        var response = await Client.GetAsync("/api/destinations");
        return response.Json!["destinations"]!.AsArray().Single(d => d!["key"]!.GetValue<string>() == key)!.AsObject();
    }

    /// <summary>Waits (bounded) until nothing is queued for the destination any more: every delivery was sent or dead-lettered.</summary>
    public Task WaitForDrainedAsync(string destinationKey) =>
        Poll.UntilAsync(() => DestinationAsync(destinationKey), d => d["queued"]!.GetValue<long>() == 0, $"the queue of {destinationKey} to drain");

    /// <summary>The profile's standing in one segment, as <c>GET /api/profiles/{id}/segments</c> shows it.</summary>
    public async Task<JsonObject?> StandingAsync(string profileId, string segmentKey)
    {
        var response = await Client.GetAsync($"/api/profiles/{profileId}/segments");
        return response.Json?["segments"]?.AsArray().FirstOrDefault(s => s!["key"]!.GetValue<string>() == segmentKey)?.AsObject();
    }

    /// <summary>The profile's lineage: what was sent where (<c>GET /api/profiles/{id}/destinations</c>).</summary>
    public async Task<JsonArray> LineageAsync(string profileId)
    {
        var response = await Client.GetAsync($"/api/profiles/{profileId}/destinations");
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return response.Json!["deliveries"]!.AsArray();
    }

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>Segment calls as an application sends them to the single-call routes (<c>/v1/identify</c>, <c>/v1/track</c>).</summary>
internal static class AudienceCalls
{
    /// <summary>An identify with traits, and the person's answer on marketing when <paramref name="marketing"/> is given.</summary>
    public static JsonObject Identify(string userId, string messageId, string? plan = null, bool? marketing = null, string? email = null) =>
        Identify(new JsonObject { ["userId"] = userId }, messageId, plan, marketing, email);

    /// <summary>An identify from a visitor not signed in: an anonymousId only.</summary>
    public static JsonObject AnonymousIdentify(string anonymousId, string messageId, string? plan = null, bool? marketing = null) =>
        Identify(new JsonObject { ["anonymousId"] = anonymousId }, messageId, plan, marketing, null);

    private static JsonObject Identify(JsonObject who, string messageId, string? plan, bool? marketing, string? email)
    {
        var traits = new JsonObject();
        if (plan is not null)
        {
            traits["plan"] = plan;
        }

        if (email is not null)
        {
            traits["email"] = email;
        }

        who["messageId"] = messageId;
        who["traits"] = traits;
        return WithConsent(who, marketing);
    }

    public static JsonObject Track(string userId, string messageId, string eventName, bool? marketing = null, string? timestamp = null)
    {
        var call = WithConsent(new JsonObject { ["userId"] = userId, ["messageId"] = messageId, ["event"] = eventName }, marketing);
        if (timestamp is not null)
        {
            call["timestamp"] = timestamp;
        }

        return call;
    }

    /// <summary>A consent banner's answer as Segment's consent tools send it: <c>context.consent.categoryPreferences</c>.</summary>
    private static JsonObject WithConsent(JsonObject call, bool? marketing)
    {
        if (marketing is { } granted)
        {
            call["context"] = new JsonObject
            {
                ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["marketing"] = granted } },
            };
        }

        return call;
    }
}

/// <summary>
/// The audience tests run one at a time: each starts a host, a receiver and background pumps, and one of them measures
/// membership against a one-second bound, which should measure the host, not its neighbours on a two-core machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AudienceTests
{
    public const string Name = "Audiences";
}
