using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// A customer's webhook endpoint on a free loopback port (Kestrel), as an ad platform or CRM runs one. It records every
/// request it gets, checks each signature with the Standard Webhooks reference library (401 when it does not hold), and
/// answers as the test scripted: 200 by default, a status (with <c>Retry-After</c>) for the next requests, a status for
/// every request while it is "down", or no answer at all (the request is held open until the sender gives up or dies).
/// </summary>
internal sealed class AudienceReceiver : IAsyncDisposable
{
    /// <summary>The signing secret the destinations under test are configured with.</summary>
    public const string Secret = "whsec_JqPl73EZKyvBjsEbKCZAXw1zCeDv50KjY2hk4sZG+1c=";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Answer> _script = new();
    private readonly CancellationTokenSource _stopping = new();
    private Answer? _always;

    private AudienceReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    /// <summary>Every request in arrival order, whatever it was answered.</summary>
    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    /// <summary>The requests it accepted: signature verified and answered 2xx.</summary>
    public IReadOnlyList<ReceivedWebhook> Delivered => [.. Requests.Where(r => r.Verified && r.Status is >= 200 and < 300)];

    /// <summary>Every audience event it accepted, flattened out of their batches.</summary>
    public IReadOnlyList<JsonObject> DeliveredEvents => [.. Delivered.SelectMany(r => r.Events)];

    public static async Task<AudienceReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new AudienceReceiver(app);
        app.MapPost("/audiences", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/audiences";
        return receiver;
    }

    /// <summary>The next request (after those already scripted) is answered <paramref name="status"/>.</summary>
    public void AnswerNext(int status, int? retryAfterSeconds = null) => _script.Enqueue(new Answer(status, retryAfterSeconds, Hold: false));

    /// <summary>The next request is never answered: held open until the sender gives up or its process dies.</summary>
    public void HoldNext() => _script.Enqueue(new Answer(0, null, Hold: true));

    /// <summary>From now on every request not scripted otherwise is answered <paramref name="status"/> (a receiver that is down).</summary>
    public void FailEverything(int status) => Volatile.Write(ref _always, new Answer(status, null, Hold: false));

    /// <summary>Back up: requests not scripted otherwise are answered 200 again.</summary>
    public void Recover() => Volatile.Write(ref _always, null);

    /// <summary>Waits (bounded) until an accepted request holds an event satisfying <paramref name="match"/> and returns that event.</summary>
    public async Task<JsonObject> WaitForEventAsync(Func<JsonObject, bool> match, string what, TimeSpan? timeout = null)
    {
        var found = await Poll.UntilAsync(() => Task.FromResult(DeliveredEvents.FirstOrDefault(match)), e => e is not null, what, timeout);
        return found!;
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> requests arrived, whatever they were answered.</summary>
    public Task<IReadOnlyList<ReceivedWebhook>> WaitForRequestsAsync(int count, string what, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => Task.FromResult<IReadOnlyList<ReceivedWebhook>>([.. Requests]), r => r.Count >= count, what, timeout);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        bool verified;
        try
        {
            new StandardWebhook(Secret).Verify(body, request.Headers);
            verified = true;
        }
        catch (WebhookVerificationException)
        {
            verified = false;
        }

        var answer = _script.TryDequeue(out var scripted) ? scripted : Volatile.Read(ref _always) ?? new Answer(StatusCodes.Status200OK, null, Hold: false);
        var status = !verified ? StatusCodes.Status401Unauthorized : answer.Hold ? (int?)null : answer.Status;
        Requests.Enqueue(new ReceivedWebhook(request.Headers["webhook-id"].ToString(), body, verified, status, Stopwatch.GetTimestamp()));
        if (verified && answer.Hold)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(request.HttpContext.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, either.Token);
            }
            catch (OperationCanceledException)
            {
                // The sender hung up (killed) or the receiver is stopping: there is nobody left to answer.
            }

            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (status is >= 200 and < 300)
        {
            return Results.Ok();
        }

        if (answer.RetryAfterSeconds is { } seconds)
        {
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Results.StatusCode(status!.Value);
    }

    private sealed record Answer(int Status, int? RetryAfterSeconds, bool Hold);
}

/// <summary>One request as the receiver got it: its <c>webhook-id</c>, raw body, whether the signature held and what it answered (null: held open).</summary>
internal sealed record ReceivedWebhook(string WebhookId, string Body, bool Verified, int? Status, long ReceivedAt)
{
    /// <summary>The Segment-spec events of the <c>{"batch": [...]}</c> body.</summary>
    public IReadOnlyList<JsonObject> Events => JsonNode.Parse(Body)?["batch"]?.AsArray().Select(e => e!.AsObject()).ToList() ?? [];

    public override string ToString() => $"{WebhookId} {(Verified ? "verified" : "UNVERIFIED")} answered {Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never"}";
}

/// <summary>Reads the fields of an audience event as a receiver does.</summary>
internal static class AudienceEventJson
{
    public static string? Event(this JsonObject e) => e["event"]?.GetValue<string>();

    public static string? Type(this JsonObject e) => e["type"]?.GetValue<string>();

    public static string? UserId(this JsonObject e) => e["userId"]?.GetValue<string>();

    public static string? MessageId(this JsonObject e) => e["messageId"]?.GetValue<string>();

    public static string? AudienceKey(this JsonObject e) => e["properties"]?["audience_key"]?.GetValue<string>();

    public static bool Is(this JsonObject e, string eventName, string userId) => e.Event() == eventName && e.UserId() == userId;
}
