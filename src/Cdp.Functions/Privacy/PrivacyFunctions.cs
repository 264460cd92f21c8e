using Cdp.Core.Authorization;
using Cdp.Core.Privacy;
using Cdp.Functions.Authorization;
using Cdp.Functions.Workflows;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Privacy;

/// <summary>
/// The privacy API (OpenDSR v3) for compliance tools, bound to Core's <see cref="PrivacyEndpoint"/> (the same answers as the
/// local host). Every call needs a function key and the <see cref="PrivacyAccess.ManageRole"/> app role: Core's
/// <see cref="ApiAuthorization"/>, asked first in each function, which also files each decision in the privacy audit trail.
/// </summary>
public sealed class PrivacyFunctions(PrivacyEndpoint endpoint, DurableWorkflowClient workflows, ApiAuthorization authorization)
{
    private const string RequestsRoute = "api/privacy/requests";
    private const string RequestRoute = "api/privacy/requests/{id}";
    private const string ResultsRoute = "api/privacy/requests/{id}/results";
    private const string CertificateRoute = "api/privacy/requests/{id}/certificate";
    private const string DiscoveryRoute = "api/privacy/discovery";
    private const string SuppressionRoute = "api/privacy/suppression";

    /// <summary><c>POST /api/privacy/requests</c>: 201 and the request's status; 200 for a repeated subject_request_id.</summary>
    [Function("SubmitPrivacyRequest")]
    public Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = RequestsRoute)] HttpRequest req,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, RequestsRoute, null, async caller =>
        {
            // The workflow a new request starts goes through this invocation's Durable client.
            using var lent = workflows.Use(durable);
            return await endpoint.SubmitAsync(req, caller.Id, cancellationToken);
        }, cancellationToken);

    /// <summary><c>GET /api/privacy/requests/{id}</c>: the request's OpenDSR status.</summary>
    [Function("GetPrivacyRequest")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = RequestRoute)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, RequestRoute, id, async _ => await endpoint.GetAsync(id, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/privacy/requests?page_size=&amp;continuation=</c>: requests, newest received first.</summary>
    [Function("ListPrivacyRequests")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = RequestsRoute)] HttpRequest req,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, RequestsRoute, null, async _ => await endpoint.ListAsync(req, cancellationToken), cancellationToken);

    /// <summary><c>DELETE /api/privacy/requests/{id}</c>: cancels a pending request (409 once it has started).</summary>
    [Function("CancelPrivacyRequest")]
    public Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = RequestRoute)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, RequestRoute, id, async caller => await endpoint.CancelAsync(id, caller.Id, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/privacy/requests/{id}/results?format=json|ndjson</c>: the access package (ndjson: portability's events) or certificate.</summary>
    [Function("GetPrivacyResults")]
    public Task<IActionResult> Results(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ResultsRoute)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, ResultsRoute, id, async _ => await endpoint.ResultsAsync(id, req, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/privacy/requests/{id}/certificate</c>: a completed erasure's certificate.</summary>
    [Function("GetPrivacyCertificate")]
    public Task<IActionResult> Certificate(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = CertificateRoute)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, CertificateRoute, id, async _ => await endpoint.CertificateAsync(id, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/privacy/discovery</c>: the identity types, request types and regulations supported.</summary>
    [Function("PrivacyDiscovery")]
    public Task<IActionResult> Discovery(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = DiscoveryRoute)] HttpRequest req,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, DiscoveryRoute, null, _ => Task.FromResult<IActionResult>(endpoint.Discovery()), cancellationToken);

    /// <summary><c>GET /api/privacy/suppression</c>: identities suppressed (events dropped: not counted in Azure, null).</summary>
    [Function("PrivacySuppression")]
    public Task<IActionResult> Suppression(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = SuppressionRoute)] HttpRequest req,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, SuppressionRoute, null, async _ => await endpoint.SuppressionAsync(cancellationToken), cancellationToken);
}
