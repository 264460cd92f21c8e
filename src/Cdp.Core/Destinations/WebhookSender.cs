using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Destinations;

/// <summary>What a POST to a webhook came to.</summary>
/// <param name="Retry">Worth trying again (network error, timeout, 408, 429, 5xx); false with a failure: refused for good.</param>
/// <param name="RetryAfter">The receiver's <c>Retry-After</c>, when it sent one.</param>
public sealed record WebhookOutcome(bool Delivered, bool Retry, string? Reason, TimeSpan? RetryAfter = null)
{
    public static readonly WebhookOutcome Success = new(true, false, null);
}

/// <summary>
/// POSTs one signed body to a webhook destination. 2xx is delivered. 408, 429, 5xx, network errors and timeouts are
/// worth retrying. Any other status (400, 401, 403, 404, 410, 413, 422 ...) means the receiver refuses this message or
/// this sender, and will again: the pump dead-letters at once, with the status as the reason, rather than spend the
/// attempts; redrive sends it again once the receiver is fixed.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<DeliveryOptions> options, TimeProvider time)
{
    /// <summary>Registered without the factory's request logs: a webhook URL may carry a token.</summary>
    public const string ClientName = "destinations";

    public async Task<WebhookOutcome> PostAsync(DestinationSettings destination, string webhookId, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(body);
        var timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        using var client = clients.CreateClient(ClientName);
        client.Timeout = timeout;
        using var message = new HttpRequestMessage(HttpMethod.Post, destination.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in WebhookSigner.Headers(destination.Secret!, webhookId, time.GetUtcNow(), body))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return WebhookOutcome.Success;
            }

            var reason = $"HTTP {(int)response.StatusCode}";
            return IsWorthRetrying(response.StatusCode)
                ? new WebhookOutcome(false, true, reason, RetryAfter(response.Headers.RetryAfter))
                : new WebhookOutcome(false, false, reason + " (refused: not retried)");
        }
        catch (HttpRequestException e)
        {
            return new WebhookOutcome(false, true, $"network error ({e.HttpRequestError})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: the network's own time, not the injected clock's.
            return new WebhookOutcome(false, true, $"no answer within {timeout.TotalSeconds:0} s");
        }
    }

    private static bool IsWorthRetrying(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Retry-After as seconds or as an HTTP date (then measured from the injected clock).</summary>
    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };
}
