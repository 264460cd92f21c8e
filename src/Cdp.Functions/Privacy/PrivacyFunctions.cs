using Cdp.Functions.Workflows;
using System.Globalization;
using System.Net.Http.Headers;
using Cdp.Core.Privacy;
using Cdp.Functions.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Privacy;

/// <summary>
/// The privacy API (OpenDSR v3) for compliance tools, with the local host's routes and answers. Every call needs a
/// function key and the <see cref="PrivacyAccess.ManageRole"/> app role (<see cref="ComplianceAuthorization"/>). The rules
/// (validation, idempotency, workflows) are Core's <see cref="PrivacyRequests"/>.
/// </summary>
public sealed class PrivacyFunctions(PrivacyRequests privacy, DurableWorkflowClient workflows, IPrivacyAuditLog audit, TimeProvider time)
{
    /// <summary>The largest request body accepted (413 above it), as on the local host.</summary>
    public const int MaxBodyBytes = 128 * 1024;

    public const int DefaultPageSize = 50;

    private readonly ComplianceAuthorization _authorization = new(audit, time);

    /// <summary><c>POST /api/privacy/requests</c>: 201 and the request's status; 200 for a repeated subject_request_id.</summary>
    [Function("SubmitPrivacyRequest")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/privacy/requests")] HttpRequest req,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        var decision = await _authorization.AuthorizeAsync(req, "POST /api/privacy/requests", null, cancellationToken);
        if (decision.Denied is { } denied)
        {
            return denied;
        }

        if (!IsJson(req.ContentType))
        {
            return PrivacyResponses.Error(StatusCodes.Status415UnsupportedMediaType, "send the request as application/json");
        }

        if (await RequestBody.ReadAsync(req, cancellationToken) is not { Length: <= MaxBodyBytes } body)
        {
            return PrivacyResponses.Error(StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {MaxBodyBytes} bytes, the limit for a privacy request");
        }

        using var bound = workflows.Use(durable);
        var result = await privacy.SubmitAsync(body, decision.CallerId!, cancellationToken);
        if (result.Outcome == PrivacyOutcome.Created)
        {
            req.HttpContext.Response.Headers.Location = $"/api/privacy/requests/{result.Request!.Id}";
        }

        return PrivacyResponses.From(result, privacy);
    }

    /// <summary><c>GET /api/privacy/requests/{id}</c>: the request's OpenDSR status.</summary>
    [Function("GetPrivacyRequest")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests/{id}")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests/{id}", id, cancellationToken)).Denied
        ?? PrivacyResponses.From(await privacy.GetAsync(id, cancellationToken), privacy);

    /// <summary><c>GET /api/privacy/requests?page_size=&amp;continuation=</c>: requests, newest received first.</summary>
    [Function("ListPrivacyRequests")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests")] HttpRequest req,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        if ((await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests", null, cancellationToken)).Denied is { } denied)
        {
            return denied;
        }

        var size = DefaultPageSize;
        if (req.Query["page_size"].ToString() is { Length: > 0 } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > PrivacyRequests.MaxPageSize))
        {
            return PrivacyResponses.Error(StatusCodes.Status400BadRequest, $"page_size must be a whole number from 1 to {PrivacyRequests.MaxPageSize}");
        }

        var continuation = req.Query["continuation"].ToString() is { Length: > 0 } token ? token : null;
        try
        {
            return PrivacyResponses.Page(await privacy.ListAsync(size, continuation, cancellationToken), privacy);
        }
        catch (ArgumentException) when (continuation is not null)
        {
            // The store refuses a token it did not issue: the caller's input, not a fault.
            return PrivacyResponses.Error(StatusCodes.Status400BadRequest, "continuation is not a token this list returned");
        }
    }

    /// <summary><c>DELETE /api/privacy/requests/{id}</c>: cancels a pending request (409 once it has started).</summary>
    [Function("CancelPrivacyRequest")]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/privacy/requests/{id}")] HttpRequest req,
        string id,
        CancellationToken cancellationToken)
    {
        var decision = await _authorization.AuthorizeAsync(req, "DELETE /api/privacy/requests/{id}", id, cancellationToken);
        return decision.Denied ?? PrivacyResponses.From(await privacy.CancelAsync(id, decision.CallerId!, cancellationToken), privacy);
    }

    /// <summary><c>GET /api/privacy/requests/{id}/results?format=json|ndjson</c>: the access package (ndjson: portability's events) or certificate.</summary>
    [Function("GetPrivacyResults")]
    public async Task<IActionResult> Results(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests/{id}/results")] HttpRequest req,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        if ((await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests/{id}/results", id, cancellationToken)).Denied is { } denied)
        {
            return denied;
        }

        var format = req.Query["format"].ToString();
        return format is "" or "json" or "ndjson"
            ? await FileAsync(id, format, certificateOnly: false, cancellationToken)
            : PrivacyResponses.Error(StatusCodes.Status400BadRequest, "format must be json or ndjson");
    }

    /// <summary><c>GET /api/privacy/requests/{id}/certificate</c>: a completed erasure's certificate.</summary>
    [Function("GetPrivacyCertificate")]
    public async Task<IActionResult> Certificate(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests/{id}/certificate")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests/{id}/certificate", id, cancellationToken)).Denied
        ?? await FileAsync(id, null, certificateOnly: true, cancellationToken);

    /// <summary><c>GET /api/privacy/discovery</c>: the identity types, request types and regulations supported.</summary>
    [Function("PrivacyDiscovery")]
    public async Task<IActionResult> Discovery(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/discovery")] HttpRequest req,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/discovery", null, cancellationToken)).Denied
        ?? PrivacyResponses.Discovery(privacy.Discovery());

    private async Task<IActionResult> FileAsync(string id, string? format, bool certificateOnly, CancellationToken cancellationToken)
    {
        var found = await privacy.GetAsync(id, cancellationToken);
        if (found.Request is not { } request)
        {
            return PrivacyResponses.From(found, privacy);
        }

        if (certificateOnly && request.Type != PrivacyRequestTypes.Erasure)
        {
            return PrivacyResponses.Error(StatusCodes.Status404NotFound, $"request {request.Id} is an {request.Type} request; only erasure requests have a certificate");
        }

        if (request.Status != PrivacyRequestStatuses.Completed)
        {
            return PrivacyResponses.Error(StatusCodes.Status404NotFound, $"request {request.Id} is {request.Status}; its results are ready once it is completed");
        }

        return await privacy.ReadResultsAsync(request.Id, format, cancellationToken) is { } file
            ? PrivacyResponses.File(file)
            : PrivacyResponses.Error(StatusCodes.Status404NotFound, $"request {request.Id} has no {(string.IsNullOrEmpty(format) ? "json" : format)} results");
    }

    /// <summary>No content type is taken as JSON; anything else but JSON is refused.</summary>
    private static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType)
        || (MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType is { } type
            && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));
}
