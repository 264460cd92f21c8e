using Cdp.Core.Authorization;
using Cdp.Core.Destinations;
using Cdp.Functions.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Destinations;

/// <summary>
/// The destination routes, bound to Core's <see cref="DestinationsEndpoint"/> (the same answers as the local host):
/// <c>/api/destinations…</c> need <see cref="ApiRoles.SegmentsManage"/>, a profile's deliveries <see cref="ApiRoles.ProfilesRead"/>.
/// </summary>
public sealed class DestinationsFunctions(DestinationsEndpoint endpoint, MemberFileEndpoint memberFiles, ApiAuthorization authorization)
{
    private const string Destinations = "api/destinations";
    private const string DeadLetters = "api/destinations/{key}/dead-letters";
    private const string Redrive = "api/destinations/{key}/dead-letters/redrive";
    private const string ProfileDeliveries = "api/profiles/{id}/destinations";
    private const string Files = "api/destinations/{key}/files";

    [Function("ListDestinations")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Destinations)] HttpRequest req, CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Destinations, null, async _ => await endpoint.ListAsync(cancellationToken), cancellationToken);

    [Function("ListDeadLetters")]
    public Task<IActionResult> ListDeadLetters(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = DeadLetters)] HttpRequest req, string key, CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, DeadLetters, null, async _ => await endpoint.DeadLettersAsync(key, req, cancellationToken), cancellationToken);

    [Function("RedriveDeadLetters")]
    public Task<IActionResult> RedriveDeadLetters(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Redrive)] HttpRequest req, string key, CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Redrive, null, async _ => await endpoint.RedriveAsync(key, req, cancellationToken), cancellationToken);

    [Function("GetProfileDestinations")]
    public Task<IActionResult> ProfileDestinations(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ProfileDeliveries)] HttpRequest req, string id, CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, ProfileDeliveries, id, async _ => await endpoint.ProfileDeliveriesAsync(id, cancellationToken), cancellationToken);

    /// <summary><c>POST /api/destinations/{key}/files?segment=</c>: a segment's full member file for a file destination, now.</summary>
    [Function("WriteMemberFile")]
    public Task<IActionResult> WriteMemberFile(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Files)] HttpRequest req, string key, CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Files, null, async _ => await memberFiles.WriteAsync(key, req, cancellationToken), cancellationToken);
}
