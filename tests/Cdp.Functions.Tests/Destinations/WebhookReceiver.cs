using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Cdp.Functions.Tests.Destinations;

/// <summary>One POST a webhook receiver got, what it answered, and why the Standard Webhooks verifier refused it (if it did).</summary>
internal sealed record WebhookRequest(Uri Url, string WebhookId, string Body, int Answered, string? Unverified)
{
    /// <summary>The events of the body's <c>{"batch":[...]}</c>.</summary>
    public IReadOnlyList<JsonElement> Events => [.. JsonDocument.Parse(Body).RootElement.GetProperty("batch").EnumerateArray()];
}

/// <summary>
/// A webhook endpoint as the network of the destinations' named HttpClient: every request is checked with the Standard
/// Webhooks reference library (401 when the signature or timestamp does not hold), recorded, and answered with the next
/// scripted status (<see cref="Otherwise"/> when none is left).
/// </summary>
internal sealed class WebhookReceiver(string secret) : HttpMessageHandler
{
    private readonly ConcurrentQueue<int> _script = new();

    public ConcurrentQueue<WebhookRequest> Received { get; } = new();

    /// <summary>The status answered once the script is spent.</summary>
    public int Otherwise { get; set; } = StatusCodes.Status200OK;

    /// <summary>The next requests are answered with these statuses, in order.</summary>
    public WebhookReceiver Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(status);
        }

        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = new HeaderDictionary();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToArray();
        }

        string? unverified = null;
        try
        {
            // The reference verifier checks the timestamp against the system clock, within five minutes.
            new StandardWebhook(secret).Verify(body, headers);
        }
        catch (WebhookVerificationException e)
        {
            unverified = e.Message;
        }

        var status = unverified is not null ? StatusCodes.Status401Unauthorized : _script.TryDequeue(out var next) ? next : Otherwise;
        Received.Enqueue(new WebhookRequest(request.RequestUri!, headers["webhook-id"].ToString(), body, status, unverified));
        return new HttpResponseMessage((HttpStatusCode)status) { RequestMessage = request };
    }
}
