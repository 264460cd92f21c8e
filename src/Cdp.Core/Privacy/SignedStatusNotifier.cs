using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Privacy;

/// <summary>
/// OpenDSR status callbacks, for both hosts: the v3 body (<see cref="OpenDsrCallback"/>) POSTed to each callback URL with
/// <c>X-OpenDSR-Processor-Domain</c> and <c>X-OpenDSR-Signature</c>. Network errors, timeouts, 408, 429 and 5xx are tried
/// again after growing pauses (on the injected clock); a URL that keeps failing is logged (host only: a callback URL may
/// carry a token) and given up, never thrown to the workflow, since a receiver being down must not hold an erasure back.
/// </summary>
/// <remarks>
/// The signature. OpenDSR (§4, §8.6, §8.8) and mParticle v3 sign the raw body with the private key of an X.509
/// certificate issued by a public CA to the processor domain (RSA with SHA-256, base64), published as the discovery
/// document's <c>processor_certificate</c>. A self-hosted deployment has no such certificate to hand, so this signs the
/// same thing, the exact body bytes, with HMAC-SHA256 keyed by a secret shared with the receiver
/// (<c>Cdp:Privacy:CallbackSecret</c>), written as lower-case hex. A receiver checks it as the spec says, only with the
/// shared secret instead of the certificate: recompute over the raw body before parsing it (<see cref="Verify"/>), refuse
/// on a mismatch, then check that <c>status_callback_url</c> is its own.
/// </remarks>
public sealed partial class SignedStatusNotifier(
    IHttpClientFactory clients,
    IOptions<PrivacyCallbackOptions> options,
    IOptions<PrivacyOptions> privacy,
    TimeProvider time,
    ILogger<SignedStatusNotifier> logger) : IPrivacyStatusNotifier
{
    /// <summary>The named client: registered without the factory's request logs, which would print whole callback URLs.</summary>
    public const string ClientName = "privacy-callbacks";

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(8);

    /// <summary>Lower-case hex HMAC-SHA256 of the body: what a receiver recomputes with the shared secret.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>What a receiver does with a callback before reading it: true only for the body as it was signed.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var given = Encoding.ASCII.GetBytes(signature?.Trim() ?? string.Empty);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public async Task NotifyAsync(PrivacyStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.CallbackUrls.Count == 0)
        {
            return;
        }

        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.CallbackSecret))
        {
            LogNoSecret(logger, change.RequestId, change.Status);
            return;
        }

        using var client = clients.CreateClient(ClientName);
        client.Timeout = TimeSpan.FromSeconds(settings.CallbackTimeoutSeconds);
        foreach (var url in change.CallbackUrls.Distinct(StringComparer.Ordinal))
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(OpenDsrCallback.For(change, url, privacy.Value.ControllerId),
                OpenDsrJsonContext.Default.OpenDsrCallback);
            await DeliverAsync(client, settings, change, url, body, cancellationToken);
        }
    }

    private async Task DeliverAsync(
        HttpClient client, PrivacyCallbackOptions settings, PrivacyStatusChange change, string url, byte[] body, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp))
        {
            LogUndelivered(logger, change.RequestId, change.Status, "(invalid url)", "not an absolute http(s) URL");
            return;
        }

        var signature = Sign(settings.CallbackSecret!, body);
        var failure = "not tried";
        for (var attempt = 1; attempt <= settings.CallbackAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(Pause(attempt - 1), time, cancellationToken);
            }

            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                message.Headers.Add(OpenDsr.SignatureHeader, signature);
                message.Headers.Add(OpenDsr.ProcessorDomainHeader, settings.ProcessorDomain);
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    LogDelivered(logger, change.RequestId, change.Status, target.Host, attempt);
                    return;
                }

                failure = $"HTTP {(int)response.StatusCode}";
                if (!IsWorthRetrying(response.StatusCode))
                {
                    break;
                }
            }
            catch (HttpRequestException e)
            {
                failure = e.HttpRequestError.ToString();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient.Timeout: the network's own time, not the injected clock's.
                failure = $"no answer within {settings.CallbackTimeoutSeconds} s";
            }
        }

        LogUndelivered(logger, change.RequestId, change.Status, target.Host, failure);
    }

    /// <summary>A receiver that refuses the callback (400, 401, 404 ...) will refuse it again; busy or failing ones may recover.</summary>
    private static bool IsWorthRetrying(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>0.5 s, 1 s, 2 s, ... up to 8 s before retry number <paramref name="retry"/>.</summary>
    internal static TimeSpan Pause(int retry) => TimeSpan.FromTicks(Math.Min(MaxPause.Ticks, FirstPause.Ticks << Math.Min(retry - 1, 10)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy request {RequestId}: status {Status} delivered to {CallbackHost} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string requestId, string status, string callbackHost, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Privacy request {RequestId}: status {Status} could not be delivered to {CallbackHost} ({Failure}); given up")]
    private static partial void LogUndelivered(ILogger logger, string requestId, string status, string callbackHost, string failure);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Privacy request {RequestId}: status {Status} not sent: set Cdp:Privacy:CallbackSecret to send signed status callbacks")]
    private static partial void LogNoSecret(ILogger logger, string requestId, string status);
}
