using Cdp.Core.Privacy;
using Cdp.Functions.Workflows;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Privacy;

/// <summary>
/// The privacy API (OpenDSR v3) for compliance tools, bound to Core's <see cref="PrivacyEndpoint"/> (the same answers as the
/// local host). Every call needs a function key and the <see cref="PrivacyAccess.ManageRole"/> app role
/// (<see cref="ComplianceAuthorization"/>), checked first in each function.
/// </summary>
public sealed class PrivacyFunctions(PrivacyEndpoint endpoint, DurableWorkflowClient workflows, IPrivacyAuditLog audit, TimeProvider time)
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
        if (decision.Denied is not null)
        {
            return decision.Denied;
        }

        // The workflow a new request starts goes through this invocation's Durable client.
        using var lent = workflows.Use(durable);
        return await endpoint.SubmitAsync(req, decision.CallerId!, cancellationToken);
    }

    /// <summary><c>GET /api/privacy/requests/{id}</c>: the request's OpenDSR status.</summary>
    [Function("GetPrivacyRequest")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests/{id}")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests/{id}", id, cancellationToken)).Denied
        ?? await endpoint.GetAsync(id, cancellationToken);

    /// <summary><c>GET /api/privacy/requests?page_size=&amp;continuation=</c>: requests, newest received first.</summary>
    [Function("ListPrivacyRequests")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests")] HttpRequest req,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests", null, cancellationToken)).Denied
        ?? await endpoint.ListAsync(req, cancellationToken);

    /// <summary><c>DELETE /api/privacy/requests/{id}</c>: cancels a pending request (409 once it has started).</summary>
    [Function("CancelPrivacyRequest")]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/privacy/requests/{id}")] HttpRequest req,
        string id,
        CancellationToken cancellationToken)
    {
        var decision = await _authorization.AuthorizeAsync(req, "DELETE /api/privacy/requests/{id}", id, cancellationToken);
        return decision.Denied ?? await endpoint.CancelAsync(id, decision.CallerId!, cancellationToken);
    }

    /// <summary><c>GET /api/privacy/requests/{id}/results?format=json|ndjson</c>: the access package (ndjson: portability's events) or certificate.</summary>
    [Function("GetPrivacyResults")]
    public async Task<IActionResult> Results(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests/{id}/results")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests/{id}/results", id, cancellationToken)).Denied
        ?? await endpoint.ResultsAsync(id, req, cancellationToken);

    /// <summary><c>GET /api/privacy/requests/{id}/certificate</c>: a completed erasure's certificate.</summary>
    [Function("GetPrivacyCertificate")]
    public async Task<IActionResult> Certificate(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/requests/{id}/certificate")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/requests/{id}/certificate", id, cancellationToken)).Denied
        ?? await endpoint.CertificateAsync(id, cancellationToken);

    /// <summary><c>GET /api/privacy/discovery</c>: the identity types, request types and regulations supported.</summary>
    [Function("PrivacyDiscovery")]
    public async Task<IActionResult> Discovery(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/discovery")] HttpRequest req,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/discovery", null, cancellationToken)).Denied
        ?? endpoint.Discovery();

    /// <summary><c>GET /api/privacy/suppression</c>: identities suppressed (events dropped: not counted in Azure, null).</summary>
    [Function("PrivacySuppression")]
    public async Task<IActionResult> Suppression(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/privacy/suppression")] HttpRequest req,
        CancellationToken cancellationToken) =>
        (await _authorization.AuthorizeAsync(req, "GET /api/privacy/suppression", null, cancellationToken)).Denied
        ?? await endpoint.SuppressionAsync(cancellationToken);
}
