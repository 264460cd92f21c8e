using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core.Privacy;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Privacy;

/// <summary>
/// OpenDSR status callbacks: POSTs the status to each callback URL, signed with HMAC-SHA256 over the exact body bytes.
/// Each URL gets a bounded number of tries with growing pauses; a URL that keeps failing is logged and given up, never
/// thrown to the workflow (a receiver being down must not hold an erasure back).
/// </summary>
public sealed partial class HttpPrivacyStatusNotifier(
    IHttpClientFactory clients,
    IPrivacyRequestStore requests,
    IOptions<PrivacyOptions> privacy,
    IOptions<PrivacyCallbackOptions> options,
    TimeProvider time,
    ILogger<HttpPrivacyStatusNotifier> logger) : IPrivacyStatusNotifier
{
    public const string ClientName = "privacy-callbacks";
    public const string SignatureHeader = "X-OpenDSR-Signature";
    public const string ProcessorDomainHeader = "X-OpenDSR-Processor-Domain";

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(8);

    public async Task NotifyAsync(PrivacyStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var request = (await requests.GetAsync(change.RequestId, cancellationToken))?.Value;
        foreach (var url in change.CallbackUrls)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(OpenDsrCallback.For(change, request, url, privacy.Value.ControllerId),
                PrivacyApiJsonContext.Default.OpenDsrCallback);
            await DeliverAsync(change, url, body, cancellationToken);
        }
    }

    /// <summary>Lower-case hex HMAC-SHA256 of the body: what a receiver recomputes with the shared secret to trust a callback.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    private async Task DeliverAsync(PrivacyStatusChange change, string url, byte[] body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var signature = Sign(settings.CallbackSecret!, body);
        var host = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "(invalid url)";
        var client = clients.CreateClient(ClientName);
        var failure = "not tried";
        for (var attempt = 1; attempt <= settings.CallbackAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(Pause(attempt - 1), time, cancellationToken);
            }

            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.Add(SignatureHeader, signature);
            message.Headers.Add(ProcessorDomainHeader, settings.ProcessorDomain);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(settings.CallbackTimeoutSeconds));
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    LogDelivered(logger, change.RequestId, change.Status, host, attempt);
                    return;
                }

                failure = $"HTTP {(int)response.StatusCode}";
                if (!IsWorthRetrying(response.StatusCode))
                {
                    break;
                }
            }
            catch (HttpRequestException ex)
            {
                failure = ex.HttpRequestError.ToString();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {settings.CallbackTimeoutSeconds} s";
            }
        }

        LogUndelivered(logger, change.RequestId, change.Status, host, failure);
    }

    /// <summary>A receiver that refuses the callback (400, 401, 404 ...) will refuse it again; busy or failing ones may recover.</summary>
    private static bool IsWorthRetrying(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static TimeSpan Pause(int retry) =>
        TimeSpan.FromTicks(Math.Min(MaxPause.Ticks, FirstPause.Ticks << Math.Min(retry - 1, 10)));

    // The host only: a callback URL may carry a token in its path or query.
    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy request {RequestId}: status {Status} delivered to {CallbackHost} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string requestId, string status, string callbackHost, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Privacy request {RequestId}: status {Status} could not be delivered to {CallbackHost} ({Failure}); given up")]
    private static partial void LogUndelivered(ILogger logger, string requestId, string status, string callbackHost, string failure);
}
