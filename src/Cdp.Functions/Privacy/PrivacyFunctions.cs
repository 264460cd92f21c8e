using Cdp.Functions.Workflows;
using Cdp.Core.Http;
using Cdp.Core.Privacy;
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
    private readonly ComplianceAuthorization _authorization = new(audit, time);

    /// <summary><c>POST /api/privacy/requests</c>: 201 and the request's status; 200 for a repeated subject_request_id.</summary>
    [Function("SubmitPrivacyRequest")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/privacy/requests")] HttpRequest req,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        var decision = await _authorization.AuthorizeAsync(req, "POST /api/privacy/requests", null, cancellationToken);
        var (body, refused) = decision.Denied is null ? await ReadBodyAsync(req, cancellationToken) : (default, decision.Denied);
        if (refused is not null)
        {
            return refused;
        }

        using var lent = workflows.Use(durable);
        return PrivacyResponses.Submitted(await privacy.SubmitAsync(body, decision.CallerId!, cancellationToken), privacy, req.HttpContext.Response);
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
        return (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests", null, cancellationToken)).Denied
            ?? PrivacyResponses.Page(await privacy.ListAsync(req.Query["page_size"].ToString(), req.Query["continuation"].ToString(), cancellationToken), privacy);
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
        return (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests/{id}/results", id, cancellationToken)).Denied
            ?? PrivacyResponses.File(await privacy.ResultsAsync(id, req.Query["format"].ToString(), certificateOnly: false, cancellationToken), privacy);
    }

    /// <summary><c>GET /api/privacy/requests/{id}/certificate</c>: a completed erasure's certificate.</summary>
    [Function("GetPrivacyCertificate")]
    public async Task<IActionResult> Certificate(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests/{id}/certificate")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests/{id}/certificate", id, cancellationToken)).Denied
        ?? PrivacyResponses.File(await privacy.ResultsAsync(id, null, certificateOnly: true, cancellationToken), privacy);

    /// <summary><c>GET /api/privacy/discovery</c>: the identity types, request types and regulations supported.</summary>
    [Function("PrivacyDiscovery")]
    public async Task<IActionResult> Discovery(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/discovery")] HttpRequest req,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/discovery", null, cancellationToken)).Denied
        ?? PrivacyResponses.Discovery(privacy.Discovery());

    /// <summary>The body of a submission, read by Core's rules for it (media type, size).</summary>
    private static async Task<(ReadOnlyMemory<byte> Body, IActionResult? Refused)> ReadBodyAsync(HttpRequest req, CancellationToken cancellationToken)
    {
        var read = await RequestBodies.ReadAsync(req, PrivacyRequests.Body, cancellationToken);
        return read.Refused ? (default, HttpAnswer.Error(read.Status, read.Error!)) : (read.Body, null);
    }
}
