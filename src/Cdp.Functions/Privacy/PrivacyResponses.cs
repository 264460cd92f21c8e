using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Core.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Functions.Privacy;

/// <summary>
/// The one place a privacy outcome becomes an HTTP answer, with the local host's status codes and bodies: the OpenDSR
/// status (no identities) with <c>results_url</c> for access and portability and <c>certificate_url</c> for a completed
/// erasure; <c>{requests, continuation}</c> for a list; <c>{error}</c> for 4xx.
/// </summary>
internal static class PrivacyResponses
{
    public static string CertificateUrlFor(string requestId) => $"/api/privacy/requests/{requestId}/certificate";

    public static IActionResult From(PrivacyResult result, PrivacyRequests privacy)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(privacy);
        return result.Outcome switch
        {
            PrivacyOutcome.Created => Status(StatusCodes.Status201Created, privacy.Status(result.Request!)),
            PrivacyOutcome.Existing or PrivacyOutcome.Found or PrivacyOutcome.Cancelled => Status(StatusCodes.Status200OK, privacy.Status(result.Request!)),
            PrivacyOutcome.Invalid => Error(StatusCodes.Status400BadRequest, result.Error!),
            PrivacyOutcome.NotFound => Error(StatusCodes.Status404NotFound, result.Error!),
            PrivacyOutcome.Conflict or PrivacyOutcome.NotCancellable => Error(StatusCodes.Status409Conflict, result.Error!),
            _ => throw new InvalidOperationException($"unmapped privacy outcome {result.Outcome}"),
        };
    }

    /// <summary>A submission's answer: 201 with a <c>Location</c> for a new request, else as <see cref="From"/>.</summary>
    public static IActionResult Submitted(PrivacyResult result, PrivacyRequests privacy, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(response);
        if (result.Outcome == PrivacyOutcome.Created)
        {
            response.Headers.Location = $"/api/privacy/requests/{result.Request!.Id}";
        }

        return From(result, privacy);
    }

    /// <summary>A page of requests, newest received first; <c>continuation</c> asks for the next one.</summary>
    public static IActionResult Page(PrivacyListAnswer answer, PrivacyRequests privacy)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(privacy);
        if (answer.Page is not { } page)
        {
            return Error(StatusCodes.Status400BadRequest, answer.Error!);
        }

        return JsonResponse.Object(StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray("requests");
            foreach (var request in page.Requests)
            {
                StatusBody(privacy.Status(request)).WriteTo(w);
            }

            w.WriteEndArray();
            if (page.ContinuationToken is { } token)
            {
                w.WriteString("continuation", token);
            }
        });
    }

    /// <summary>The results file, or the refusal saying why there is none.</summary>
    public static IActionResult File(PrivacyResultsAnswer answer, PrivacyRequests privacy)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.File is { } file ? new FileContentResult(file.Content, file.ContentType) : From(answer.Refusal!, privacy);
    }

    public static IActionResult Discovery(OpenDsrDiscovery discovery) =>
        JsonResponse.Raw(StatusCodes.Status200OK, JsonSerializer.Serialize(discovery, PrivacyJsonContext.Default.OpenDsrDiscovery));

    public static ContentResult Error(int statusCode, string error) =>
        JsonResponse.Object(statusCode, w => w.WriteString("error", error));

    private static ContentResult Status(int statusCode, OpenDsrStatus status) =>
        JsonResponse.Raw(statusCode, StatusBody(status).ToJsonString());

    /// <summary>An erasure's result is its certificate, served at its own URL; results_url is for access packages.</summary>
    private static JsonObject StatusBody(OpenDsrStatus status)
    {
        var erasure = status.SubjectRequestType == PrivacyRequestTypes.Erasure;
        var body = JsonSerializer.SerializeToNode(status with { ResultsUrl = erasure ? null : status.ResultsUrl }, PrivacyJsonContext.Default.OpenDsrStatus)!
            .AsObject();
        if (erasure && status.RequestStatus == PrivacyRequestStatuses.Completed)
        {
            body["certificate_url"] = CertificateUrlFor(status.SubjectRequestId);
        }

        return body;
    }
}
