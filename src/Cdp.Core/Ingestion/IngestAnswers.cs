using System.Globalization;
using System.Text.Json;
using Cdp.Core.Http;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Ingestion;

/// <summary>
/// The one place an ingest outcome becomes an HTTP answer, on both hosts: 200 <c>{success, accepted, rejected}</c>,
/// 400 <c>{success, error, rejected}</c>, other refusals <c>{success, error}</c>; 401 with <c>WWW-Authenticate</c>,
/// 403 for a page whose origin the source does not allow, 429 with <c>Retry-After</c> when the host is over its queue
/// depth or its queue is throttling, 503 with <c>Retry-After</c> when the accepted events could not be made durable.
/// </summary>
public static class IngestAnswers
{
    /// <summary>Seconds a client waits before retrying after a 503: long enough for a queue client to reconnect.</summary>
    public const int RetryAfterSeconds = 5;

    private const string Routes = "batch, identify, track, page, screen, group, alias (import is batch), or their one-letter forms b, i, t, p, s, g, a";

    public static HttpAnswer From(IntakeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status switch
        {
            IntakeStatus.Accepted => HttpAnswer.Json(StatusCodes.Status200OK, w =>
            {
                w.WriteBoolean("success", true);
                w.WriteNumber("accepted", result.Accepted.Count);
                WriteRejected(w, result.Rejected);
            }),
            IntakeStatus.Invalid => HttpAnswer.Json(StatusCodes.Status400BadRequest, w =>
            {
                w.WriteBoolean("success", false);
                w.WriteString("error", result.Error);
                WriteRejected(w, result.Rejected);
            }),
            IntakeStatus.Unauthorized => Refuse(StatusCodes.Status401Unauthorized, result.Error ?? "unauthorized")
                .WithHeader("WWW-Authenticate", "Basic realm=\"cdp\""),
            IntakeStatus.Forbidden => Refuse(StatusCodes.Status403Forbidden, result.Error ?? "forbidden"),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Status, "unknown intake status"),
        };
    }

    /// <summary>A path under <c>/v1/</c> that is not a Segment call.</summary>
    public static HttpAnswer UnknownRoute(string route) =>
        Refuse(StatusCodes.Status404NotFound, $"no route /v1/{Truncate(route)}; use one of {Routes}");

    public static HttpAnswer MethodNotAllowed(string route) =>
        Refuse(StatusCodes.Status405MethodNotAllowed, $"/v1/{Truncate(route)} accepts POST only").WithHeader("Allow", Methods);

    /// <summary>What an ingest route answers: POST, and OPTIONS for browsers' CORS preflight.</summary>
    public const string Methods = "POST, OPTIONS";

    /// <summary>
    /// The host takes no events just now (over its queue depth, or the queue is throttling): nothing is claimed, and
    /// the SDKs retry after <c>Retry-After</c> without counting it against the batch.
    /// </summary>
    public static HttpAnswer TooManyRequests(IngestPause pause)
    {
        ArgumentNullException.ThrowIfNull(pause);
        var seconds = pause.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Refuse(StatusCodes.Status429TooManyRequests, $"{pause.Reason}; no events were accepted, retry the request in {seconds} seconds")
            .WithHeader("Retry-After", seconds);
    }

    /// <summary>
    /// The events were valid but could not be made durable: nothing is claimed (no accepted count), so a client that
    /// retries the whole request after <see cref="RetryAfterSeconds"/> loses nothing.
    /// </summary>
    public static HttpAnswer Unavailable() =>
        Refuse(StatusCodes.Status503ServiceUnavailable,
                $"events could not be stored just now and none were accepted; retry the request in {RetryAfterSeconds} seconds")
            .WithHeader("Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));

    public static HttpAnswer Refuse(int status, string error) => HttpAnswer.Json(status, w =>
    {
        w.WriteBoolean("success", false);
        w.WriteString("error", error);
    });

    private static void WriteRejected(Utf8JsonWriter writer, IReadOnlyList<RejectedEvent> rejected)
    {
        writer.WriteStartArray("rejected");
        foreach (var r in rejected)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", r.Index);
            writer.WriteString("reason", r.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
