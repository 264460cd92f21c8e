using Cdp.Core.Authorization;
using Cdp.Core.Http;
using Cdp.Core.Privacy;
using Cdp.Functions.Authorization;
using Cdp.Functions.Workflows;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Privacy;

/// <summary>
/// The privacy API (OpenDSR v3) for compliance tools, with the local host's routes and answers. Every call needs a
/// function key and the <see cref="PrivacyAccess.ManageRole"/> app role (Core's <see cref="ApiAuthorization"/>, which also
/// files each decision in the privacy audit trail). The rules (validation, idempotency, workflows) are Core's
/// <see cref="PrivacyRequests"/>.
/// </summary>
public sealed class PrivacyFunctions(PrivacyRequests privacy, DurableWorkflowClient workflows, ApiAuthorization authorization)
{
    private const string RequestsRoute = "api/privacy/requests";
    private const string RequestRoute = "api/privacy/requests/{id}";
    private const string ResultsRoute = "api/privacy/requests/{id}/results";
    private const string CertificateRoute = "api/privacy/requests/{id}/certificate";
    private const string DiscoveryRoute = "api/privacy/discovery";

    /// <summary><c>POST /api/privacy/requests</c>: 201 and the request's status; 200 for a repeated subject_request_id.</summary>
    [Function("SubmitPrivacyRequest")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = RequestsRoute)] HttpRequest req,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return await authorization.AuthorizedAsync(req, RequestsRoute, null, async caller =>
        {
            var (body, refused) = await ReadBodyAsync(req, cancellationToken);
            if (refused is not null)
            {
                return refused;
            }

            using var lent = workflows.Use(durable);
            return PrivacyResponses.Submitted(await privacy.SubmitAsync(body, caller.Id, cancellationToken), privacy, req.HttpContext.Response);
        }, cancellationToken);
    }

    /// <summary><c>GET /api/privacy/requests/{id}</c>: the request's OpenDSR status.</summary>
    [Function("GetPrivacyRequest")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = RequestRoute)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, RequestRoute, id, async _ => PrivacyResponses.From(await privacy.GetAsync(id, cancellationToken), privacy),
            cancellationToken);

    /// <summary><c>GET /api/privacy/requests?page_size=&amp;continuation=</c>: requests, newest received first.</summary>
    [Function("ListPrivacyRequests")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = RequestsRoute)] HttpRequest req,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, RequestsRoute, null, async _ => PrivacyResponses.Page(
            await privacy.ListAsync(req.Query["page_size"].ToString(), req.Query["continuation"].ToString(), cancellationToken), privacy), cancellationToken);

    /// <summary><c>DELETE /api/privacy/requests/{id}</c>: cancels a pending request (409 once it has started).</summary>
    [Function("CancelPrivacyRequest")]
    public Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = RequestRoute)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, RequestRoute, id, async caller => PrivacyResponses.From(await privacy.CancelAsync(id, caller.Id, cancellationToken), privacy),
            cancellationToken);

    /// <summary><c>GET /api/privacy/requests/{id}/results?format=json|ndjson</c>: the access package (ndjson: portability's events) or certificate.</summary>
    [Function("GetPrivacyResults")]
    public Task<IActionResult> Results(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ResultsRoute)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, ResultsRoute, id, async _ => PrivacyResponses.File(
            await privacy.ResultsAsync(id, req.Query["format"].ToString(), certificateOnly: false, cancellationToken), privacy), cancellationToken);

    /// <summary><c>GET /api/privacy/requests/{id}/certificate</c>: a completed erasure's certificate.</summary>
    [Function("GetPrivacyCertificate")]
    public Task<IActionResult> Certificate(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = CertificateRoute)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, CertificateRoute, id, async _ => PrivacyResponses.File(
            await privacy.ResultsAsync(id, null, certificateOnly: true, cancellationToken), privacy), cancellationToken);

    /// <summary><c>GET /api/privacy/discovery</c>: the identity types, request types and regulations supported.</summary>
    [Function("PrivacyDiscovery")]
    public Task<IActionResult> Discovery(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = DiscoveryRoute)] HttpRequest req,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, DiscoveryRoute, null, _ => Task.FromResult(PrivacyResponses.Discovery(privacy.Discovery())), cancellationToken);

    /// <summary>The body of a submission, read by Core's rules for it (media type, size).</summary>
    private static async Task<(ReadOnlyMemory<byte> Body, IActionResult? Refused)> ReadBodyAsync(HttpRequest req, CancellationToken cancellationToken)
    {
        var read = await RequestBodies.ReadAsync(req, PrivacyRequests.Body, cancellationToken);
        return read.Refused ? (default, HttpAnswer.Error(read.Status, read.Error!)) : (read.Body, null);
    }
}
