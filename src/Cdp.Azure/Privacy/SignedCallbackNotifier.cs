using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Privacy;

/// <summary>
/// OpenDSR status callbacks, on the wire exactly as the local host sends them: a snake_case JSON body per callback URL,
/// signed with HMAC-SHA256 over the body bytes (lower-case hex in <c>X-OpenDSR-Signature</c>). Network errors, timeouts,
/// 408, 429 and 5xx are tried again after growing pauses; a URL that keeps failing is logged (host only: a callback URL
/// may carry a token) and given up, never thrown to the workflow.
/// </summary>
internal sealed partial class SignedCallbackNotifier : IPrivacyStatusNotifier, IDisposable
{
    public const string SignatureHeader = "X-OpenDSR-Signature";
    public const string ProcessorDomainHeader = "X-OpenDSR-Processor-Domain";

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(8);

    private readonly HttpClient _http;
    private readonly IPrivacyRequestStore _requests;
    private readonly PrivacyCallbackOptions _options;
    private readonly string _controllerId;
    private readonly TimeProvider _time;
    private readonly ILogger<SignedCallbackNotifier> _logger;

    public SignedCallbackNotifier(
        HttpMessageHandler handler,
        IPrivacyRequestStore requests,
        IOptions<PrivacyCallbackOptions> options,
        IOptions<PrivacyOptions> privacy,
        TimeProvider time,
        ILogger<SignedCallbackNotifier> logger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(privacy);
        _options = options.Value;
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(_options.CallbackTimeoutSeconds) };
        _requests = requests;
        _controllerId = privacy.Value.ControllerId;
        _time = time;
        _logger = logger;
    }

    /// <summary>Lower-case hex HMAC-SHA256 of the body: what a receiver recomputes with the shared secret to trust a callback.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    public async Task NotifyAsync(PrivacyStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.CallbackUrls.Count == 0)
        {
            return;
        }

        if (string.IsNullOrEmpty(_options.CallbackSecret))
        {
            LogNoSecret(_logger, change.RequestId, change.Status);
            return;
        }

        var request = (await _requests.GetAsync(change.RequestId, cancellationToken))?.Value;
        foreach (var url in change.CallbackUrls.Distinct(StringComparer.Ordinal))
        {
            await DeliverAsync(change, url, Body(change, request, url), cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task DeliverAsync(PrivacyStatusChange change, string url, byte[] body, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("https" or "http"))
        {
            LogUndelivered(_logger, change.RequestId, change.Status, "(invalid url)", "not an absolute http(s) URL");
            return;
        }

        var signature = Sign(_options.CallbackSecret!, body);
        var failure = "not tried";
        for (var attempt = 1; attempt <= _options.CallbackAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(Pause(attempt - 1), _time, cancellationToken);
            }

            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                message.Headers.Add(SignatureHeader, signature);
                if (_options.ProcessorDomain is { Length: > 0 } domain)
                {
                    message.Headers.Add(ProcessorDomainHeader, domain);
                }

                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    LogDelivered(_logger, change.RequestId, change.Status, target.Host, attempt);
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
                failure = $"no answer within {_options.CallbackTimeoutSeconds} s";
            }
        }

        LogUndelivered(_logger, change.RequestId, change.Status, target.Host, failure);
    }

    /// <summary>The OpenDSR callback body: ids, status and times, never the subject.</summary>
    private byte[] Body(PrivacyStatusChange change, PrivacyRequest? request, string callbackUrl)
    {
        var erasure = request?.Type == PrivacyRequestTypes.Erasure;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("api_version", OpenDsrStatus.Version);
            writer.WriteString("controller_id", _controllerId);
            writer.WriteString("subject_request_id", change.RequestId);
            writer.WriteString("request_status", change.Status);
            writer.WriteString("status_callback_url", callbackUrl);
            writer.WriteString("status_time", change.At);
            if (request is not null)
            {
                writer.WriteString("expected_completion_time", request.ExpectedCompletionTime);
                writer.WriteString("subject_request_type", request.Type);
            }

            if (!erasure && change.ResultsUrl is { } results)
            {
                writer.WriteString("results_url", results);
            }

            if (erasure && change.Status == PrivacyRequestStatuses.Completed)
            {
                writer.WriteString("certificate_url", $"/api/privacy/requests/{change.RequestId}/certificate");
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A receiver that refuses the callback (400, 401, 404 ...) will refuse it again; busy or failing ones may recover.</summary>
    private static bool IsWorthRetrying(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static TimeSpan Pause(int retry) => TimeSpan.FromTicks(Math.Min(MaxPause.Ticks, FirstPause.Ticks << Math.Min(retry - 1, 10)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy request {RequestId}: status {Status} delivered to {CallbackHost} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string requestId, string status, string callbackHost, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Privacy request {RequestId}: status {Status} could not be delivered to {CallbackHost} ({Failure}); given up")]
    private static partial void LogUndelivered(ILogger logger, string requestId, string status, string callbackHost, string failure);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Privacy request {RequestId}: status {Status} not sent: set Cdp:Privacy:CallbackSecret to send signed status callbacks")]
    private static partial void LogNoSecret(ILogger logger, string requestId, string status);
}
