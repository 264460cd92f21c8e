using Cdp.Core.Authorization;
using Cdp.Core.Segments;
using Cdp.Functions.Authorization;
using Cdp.Functions.Workflows;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Segments;

/// <summary>
/// The segments API, bound to Core's <see cref="SegmentEndpoint"/> (the local host's routes and answers): a function key
/// plus the <see cref="ApiRoles.SegmentsManage"/> app role; a profile's segments need <see cref="ApiRoles.ProfilesRead"/>.
/// </summary>
public sealed class SegmentFunctions(SegmentEndpoint endpoint, DurableWorkflowClient workflows, ApiAuthorization authorization)
{
    private const string Segments = "api/segments";
    private const string Preview = "api/segments/preview";
    private const string Refresh = "api/segments/refresh";
    private const string ByKey = "api/segments/{key}";
    private const string Members = "api/segments/{key}/members";
    private const string OfProfile = "api/profiles/{id}/segments";

    /// <summary><c>PUT /api/segments/{key}</c>: 201 created, 200 replaced, 400 <c>{"errors":[{"path","message"}]}</c>.</summary>
    [Function("PutSegment")]
    public Task<IActionResult> Put(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = ByKey)] HttpRequest req,
        string key,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, ByKey, key, async _ => await endpoint.PutAsync(key, req, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/segments/{key}</c>: the definition and its member count.</summary>
    [Function("GetSegment")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ByKey)] HttpRequest req,
        string key,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, ByKey, key, async _ => await endpoint.GetAsync(key, cancellationToken), cancellationToken);

    /// <summary><c>DELETE /api/segments/{key}</c>: 204; its members exit at the next refresh.</summary>
    [Function("DeleteSegment")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = ByKey)] HttpRequest req,
        string key,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, ByKey, key, async _ => await endpoint.DeleteAsync(key, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/segments</c>: every definition, by key.</summary>
    [Function("ListSegments")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Segments)] HttpRequest req,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Segments, null, async _ => await endpoint.ListAsync(cancellationToken), cancellationToken);

    /// <summary><c>POST /api/segments/preview</c> with <c>{"definition": ...}</c>: how many profiles it holds now, and a sample.</summary>
    [Function("PreviewSegment")]
    public Task<IActionResult> PreviewDefinition(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Preview)] HttpRequest req,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Preview, null, async _ => await endpoint.PreviewAsync(req, cancellationToken), cancellationToken);

    /// <summary><c>POST /api/segments/refresh</c>: 202 and the refresh instance started now, outside the schedule.</summary>
    [Function("RefreshSegments")]
    public Task<IActionResult> RefreshNow(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Refresh)] HttpRequest req,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Refresh, null, async _ =>
        {
            // The refresh is started through this invocation's Durable client.
            using var lent = workflows.Use(durable);
            return await endpoint.RefreshAsync(cancellationToken);
        }, cancellationToken);

    /// <summary><c>GET /api/segments/{key}/members?pageSize=&amp;continuation=</c>: members by profile id, a page at a time.</summary>
    [Function("GetSegmentMembers")]
    public Task<IActionResult> GetMembers(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Members)] HttpRequest req,
        string key,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Members, key, async _ => await endpoint.MembersAsync(key, req, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/profiles/{id}/segments</c>: the live profile's standings, segments it is in and ones it left.</summary>
    [Function("GetProfileSegments")]
    public Task<IActionResult> GetProfileSegments(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = OfProfile)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, OfProfile, id, async _ => await endpoint.ProfileSegmentsAsync(id, cancellationToken), cancellationToken);
}
