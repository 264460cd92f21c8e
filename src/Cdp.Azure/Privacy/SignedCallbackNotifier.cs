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
/// Posts OpenDSR status callbacks: a JSON body signed with HMAC-SHA256 under the configured key, the signature in base64
/// in <c>X-OpenDSR-Signature</c>, so the receiver can check the callback came from us and was not altered. Network
/// errors, timeouts, 429 and 5xx answers are retried a few times; a URL that stays unreachable is logged (host only:
/// a callback URL may carry a token) and never fails the request's workflow.
/// </summary>
internal sealed partial class SignedCallbackNotifier : IPrivacyStatusNotifier, IDisposable
{
    public const string SignatureHeader = "X-OpenDSR-Signature";

    private readonly HttpClient _http;
    private readonly PrivacyCallbackOptions _options;
    private readonly byte[]? _key;
    private readonly string _controllerId;
    private readonly TimeProvider _time;
    private readonly ILogger<SignedCallbackNotifier> _logger;

    public SignedCallbackNotifier(
        HttpMessageHandler handler,
        IOptions<PrivacyCallbackOptions> options,
        IOptions<PrivacyOptions> privacy,
        TimeProvider time,
        ILogger<SignedCallbackNotifier> logger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(privacy);
        _options = options.Value;
        _http = new HttpClient(handler) { Timeout = _options.Timeout };
        _key = string.IsNullOrEmpty(_options.SigningKey) ? null : Encoding.UTF8.GetBytes(_options.SigningKey);
        _controllerId = privacy.Value.ControllerId;
        _time = time;
        _logger = logger;
    }

    /// <summary>The signature a receiver computes to check a callback body.</summary>
    public static string Sign(byte[] key, ReadOnlySpan<byte> body) => Convert.ToBase64String(HMACSHA256.HashData(key, body));

    public async Task NotifyAsync(PrivacyStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.CallbackUrls.Count == 0)
        {
            return;
        }

        if (_key is null)
        {
            LogNoSigningKey(_logger, change.RequestId, change.Status);
            return;
        }

        foreach (var url in change.CallbackUrls.Distinct(StringComparer.Ordinal))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("https" or "http"))
            {
                LogNotDelivered(_logger, change.RequestId, change.Status, "(invalid URL)", 0, "not an absolute http(s) URL");
                continue;
            }

            await DeliverAsync(target, Body(change, url), change, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task DeliverAsync(Uri target, byte[] body, PrivacyStatusChange change, CancellationToken cancellationToken)
    {
        var signature = Sign(_key!, body);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.Add(SignatureHeader, signature);
                using var response = await _http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    LogDelivered(_logger, change.RequestId, change.Status, target.Host, attempt);
                    return;
                }

                failure = $"HTTP {(int)response.StatusCode}";
                if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                {
                    // The receiver refused it; sending the same bytes again cannot change its mind.
                    LogNotDelivered(_logger, change.RequestId, change.Status, target.Host, attempt, failure);
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                failure = e.HttpRequestError.ToString();
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = "timed out";
            }

            if (attempt >= _options.MaxAttempts)
            {
                LogNotDelivered(_logger, change.RequestId, change.Status, target.Host, attempt, failure);
                return;
            }

            await Task.Delay(_options.RetryDelay * Math.Pow(2, attempt - 1), _time, cancellationToken);
        }
    }

    /// <summary>The OpenDSR callback body: the request's id and new status, never the subject.</summary>
    private byte[] Body(PrivacyStatusChange change, string callbackUrl)
    {
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
            if (ResultsUrl(change.ResultsUrl) is { } results)
            {
                writer.WriteString("results_url", results);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private string? ResultsUrl(string? resultsUrl) =>
        resultsUrl is null || _options.PublicBaseUri is null || Uri.IsWellFormedUriString(resultsUrl, UriKind.Absolute)
            ? resultsUrl
            : new Uri(_options.PublicBaseUri, resultsUrl).AbsoluteUri;

    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy request {RequestId}: status {Status} delivered to {Host} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string requestId, string status, string host, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Privacy request {RequestId}: status {Status} not delivered to {Host} after {Attempts} attempt(s): {Failure}")]
    private static partial void LogNotDelivered(ILogger logger, string requestId, string status, string host, int attempts, string failure);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Privacy request {RequestId}: status {Status} not sent: set Cdp:Privacy:Callbacks:SigningKey to send signed status callbacks")]
    private static partial void LogNoSigningKey(ILogger logger, string requestId, string status);
}
