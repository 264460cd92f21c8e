using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Functions.Ingestion;

/// <summary>
/// The one place an ingest outcome becomes an HTTP answer and hub messages, with the local host's
/// status codes and bodies: 200 <c>{success, accepted, rejected}</c>, 400 <c>{success, error, rejected}</c>,
/// 401/404/413 <c>{success, error}</c>.
/// </summary>
internal static class IntakeResponses
{
    private const string Routes = "batch, identify, track, page, screen, group, alias (import is batch)";

    public static IngestOutput From(IntakeResult result, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(response);
        switch (result.Status)
        {
            case IntakeStatus.Accepted:
                var events = new string[result.Accepted.Count];
                for (var i = 0; i < events.Length; i++)
                {
                    events[i] = JsonSerializer.Serialize(result.Accepted[i], CdpJsonContext.Default.SegmentEvent);
                }

                return new IngestOutput
                {
                    Result = JsonResponse.Object(StatusCodes.Status200OK, w =>
                    {
                        w.WriteBoolean("success", true);
                        w.WriteNumber("accepted", result.Accepted.Count);
                        WriteRejected(w, result.Rejected);
                    }),
                    Events = events,
                };
            case IntakeStatus.Invalid:
                return Answer(JsonResponse.Object(StatusCodes.Status400BadRequest, w =>
                {
                    w.WriteBoolean("success", false);
                    w.WriteString("error", result.Error);
                    WriteRejected(w, result.Rejected);
                }));
            case IntakeStatus.Unauthorized:
                response.Headers.WWWAuthenticate = "Basic realm=\"cdp\"";
                return Refuse(StatusCodes.Status401Unauthorized, result.Error ?? "unauthorized");
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.Status, "unknown intake status");
        }
    }

    /// <summary>A path under <c>/v1/</c> that is not a Segment call.</summary>
    public static IngestOutput UnknownRoute(string route) =>
        Refuse(StatusCodes.Status404NotFound, $"no route /v1/{Truncate(route)}; use one of {Routes}");

    public static IngestOutput TooLarge(long? contentLength) =>
        Refuse(StatusCodes.Status413PayloadTooLarge, RequestBody.TooLargeMessage(contentLength));

    private static IngestOutput Refuse(int statusCode, string error) => Answer(JsonResponse.Object(statusCode, w =>
    {
        w.WriteBoolean("success", false);
        w.WriteString("error", error);
    }));

    /// <summary>An answer that sends nothing to the hub.</summary>
    private static IngestOutput Answer(ContentResult result) => new() { Result = result, Events = [] };

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
