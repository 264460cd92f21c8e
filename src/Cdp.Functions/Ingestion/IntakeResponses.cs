using System.Globalization;
using System.Text.Json;
using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Functions.Ingestion;

/// <summary>
/// The one place an ingest outcome becomes an HTTP answer, with the local host's status codes and bodies:
/// 200 <c>{success, accepted, rejected}</c>, 400 <c>{success, error, rejected}</c>, 401/404/413 <c>{success, error}</c>,
/// and 503 <c>{success, error}</c> with <c>Retry-After</c> when the accepted events could not be made durable.
/// </summary>
internal static class IntakeResponses
{
    private const string Routes = "batch, identify, track, page, screen, group, alias (import is batch)";

    /// <summary>Seconds a client waits before retrying after a 503: long enough for the hub client to reconnect.</summary>
    public const int RetryAfterSeconds = 5;

    public static IActionResult From(IntakeResult result, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(response);
        switch (result.Status)
        {
            case IntakeStatus.Accepted:
                return JsonResponse.Object(StatusCodes.Status200OK, w =>
                {
                    w.WriteBoolean("success", true);
                    w.WriteNumber("accepted", result.Accepted.Count);
                    WriteRejected(w, result.Rejected);
                });
            case IntakeStatus.Invalid:
                return JsonResponse.Object(StatusCodes.Status400BadRequest, w =>
                {
                    w.WriteBoolean("success", false);
                    w.WriteString("error", result.Error);
                    WriteRejected(w, result.Rejected);
                });
            case IntakeStatus.Unauthorized:
                response.Headers.WWWAuthenticate = "Basic realm=\"cdp\"";
                return Refuse(StatusCodes.Status401Unauthorized, result.Error ?? "unauthorized");
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.Status, "unknown intake status");
        }
    }

    /// <summary>A path under <c>/v1/</c> that is not a Segment call.</summary>
    public static IActionResult UnknownRoute(string route) =>
        Refuse(StatusCodes.Status404NotFound, $"no route /v1/{Truncate(route)}; use one of {Routes}");

    public static IActionResult TooLarge(long? contentLength) =>
        Refuse(StatusCodes.Status413PayloadTooLarge, RequestBody.TooLargeMessage(contentLength));

    /// <summary>
    /// The events were valid but could not be made durable: nothing is claimed (no accepted count), so a client that
    /// retries the whole request after <see cref="RetryAfterSeconds"/> loses nothing.
    /// </summary>
    public static IActionResult Unavailable(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Refuse(StatusCodes.Status503ServiceUnavailable, $"events could not be stored just now and none were accepted; retry the request in {RetryAfterSeconds} seconds");
    }

    private static ContentResult Refuse(int statusCode, string error) => JsonResponse.Object(statusCode, w =>
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
