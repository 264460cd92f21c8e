using Cdp.Core.Http;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Privacy;

/// <summary>
/// The privacy routes (OpenDSR v3) on both hosts: submit, read, list and cancel requests, a request's results and
/// certificate, the discovery document and the suppression summary. The rules are <see cref="PrivacyRequests"/>'; this is
/// the one place their outcomes become HTTP. Hosts authorize first and pass the caller's id; nothing here authorizes.
/// </summary>
public sealed class PrivacyEndpoint(PrivacyRequests requests, ISuppressionStatistics suppression)
{
    /// <summary><c>POST /api/privacy/requests</c>: 201 with <c>Location</c> for a new request, 200 for a repeated subject_request_id.</summary>
    /// <param name="callerId">Who asks, as the host's authorization named them: recorded in the audit trail.</param>
    public async Task<HttpAnswer> SubmitAsync(HttpRequest request, string callerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var read = await RequestBodies.ReadAsync(request, PrivacyRequests.Body, cancellationToken);
        if (read.Refused)
        {
            return HttpAnswer.Error(read.Status, read.Error!);
        }

        var result = await requests.SubmitAsync(read.Body, callerId, cancellationToken);
        if (result.Outcome is not (PrivacyOutcome.Created or PrivacyOutcome.Existing))
        {
            return Refusal(result);
        }

        var status = requests.Status(result.Request!) with { EncodedRequest = Convert.ToBase64String(read.Body.Span) };
        return result.Outcome == PrivacyOutcome.Created
            ? Status(StatusCodes.Status201Created, status).WithHeader("Location", PrivacyLinks.Request(status.SubjectRequestId))
            : Status(StatusCodes.Status200OK, status);
    }

    /// <summary><c>GET /api/privacy/requests/{id}</c>: the request's status.</summary>
    public async Task<HttpAnswer> GetAsync(string id, CancellationToken cancellationToken)
    {
        var result = await requests.GetAsync(id, cancellationToken);
        return result.Request is { } found ? Status(StatusCodes.Status200OK, requests.Status(found)) : Refusal(result);
    }

    /// <summary><c>GET /api/privacy/requests?page_size=&amp;continuation=</c>: requests, newest received first.</summary>
    public async Task<HttpAnswer> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query.ContainsKey("group_id"))
        {
            // v3 lists a group's requests; this store cannot select by group, and ignoring the filter would answer wrongly.
            return HttpAnswer.Error(StatusCodes.Status400BadRequest,
                "listing by group_id is not supported: page through all requests with page_size and continuation (each names its group_id)");
        }

        var answer = await requests.ListAsync(request.Query["page_size"].ToString(), request.Query["continuation"].ToString(), cancellationToken);
        if (answer.Page is not { } page)
        {
            return HttpAnswer.Error(StatusCodes.Status400BadRequest, answer.Error!);
        }

        var list = new OpenDsrRequestList(page.Requests.Select(requests.Status).ToList(), page.ContinuationToken);
        return HttpAnswer.Json(StatusCodes.Status200OK, list, OpenDsrJsonContext.Default.OpenDsrRequestList);
    }

    /// <summary><c>DELETE /api/privacy/requests/{id}</c>: 202 (OpenDSR §9.2) once cancelled; 409 once it has started.</summary>
    public async Task<HttpAnswer> CancelAsync(string id, string callerId, CancellationToken cancellationToken)
    {
        var result = await requests.CancelAsync(id, callerId, cancellationToken);
        return result.Outcome == PrivacyOutcome.Cancelled
            ? HttpAnswer.Json(StatusCodes.Status202Accepted, requests.Cancellation(result.Request!), OpenDsrJsonContext.Default.OpenDsrCancellation)
            : Refusal(result);
    }

    /// <summary><c>GET /api/privacy/requests/{id}/results?format=json|ndjson</c>: the access package (ndjson: portability's events) or certificate.</summary>
    public async Task<HttpAnswer> ResultsAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return File(await requests.ResultsAsync(id, request.Query["format"].ToString(), certificateOnly: false, cancellationToken));
    }

    /// <summary><c>GET /api/privacy/requests/{id}/certificate</c>: a completed erasure's certificate.</summary>
    public async Task<HttpAnswer> CertificateAsync(string id, CancellationToken cancellationToken) =>
        File(await requests.ResultsAsync(id, null, certificateOnly: true, cancellationToken));

    /// <summary><c>GET /api/privacy/discovery</c>: the identity types, request types and regulations supported.</summary>
    public HttpAnswer Discovery() =>
        HttpAnswer.Json(StatusCodes.Status200OK, requests.Discovery(), OpenDsrJsonContext.Default.OpenDsrDiscovery);

    /// <summary><c>GET /api/privacy/suppression</c>: identities suppressed, and events dropped because of them where counted.</summary>
    public async Task<HttpAnswer> SuppressionAsync(CancellationToken cancellationToken) =>
        HttpAnswer.Json(StatusCodes.Status200OK, await suppression.ReadAsync(cancellationToken), OpenDsrJsonContext.Default.SuppressionSummary);

    private static HttpAnswer Status(int status, OpenDsrStatus body) => HttpAnswer.Json(status, body, OpenDsrJsonContext.Default.OpenDsrStatus);

    private static HttpAnswer File(PrivacyResultsAnswer answer) =>
        answer.File is { } file ? HttpAnswer.File(file.Content, file.ContentType) : Refusal(answer.Refusal!);

    private static HttpAnswer Refusal(PrivacyResult result) => result.Outcome switch
    {
        PrivacyOutcome.Invalid => HttpAnswer.Error(StatusCodes.Status400BadRequest, result.Error!),
        PrivacyOutcome.NotFound => HttpAnswer.Error(StatusCodes.Status404NotFound, result.Error!),
        PrivacyOutcome.Conflict or PrivacyOutcome.NotCancellable => HttpAnswer.Error(StatusCodes.Status409Conflict, result.Error!),
        _ => throw new InvalidOperationException($"unmapped privacy outcome {result.Outcome}"),
    };
}
