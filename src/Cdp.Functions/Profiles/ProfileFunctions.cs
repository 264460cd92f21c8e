using Cdp.Core.Authorization;
using Cdp.Core.Profiles;
using Cdp.Functions.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Profiles;

/// <summary>
/// The profile API for marketers and tools, bound to Core's <see cref="ProfileEndpoint"/> (the local host's routes and
/// answers): a function key plus the <see cref="ApiRoles.ProfilesRead"/> app role.
/// </summary>
public sealed class ProfileFunctions(ProfileEndpoint endpoint, ApiAuthorization authorization)
{
    private const string Lookup = "api/profiles";
    private const string ById = "api/profiles/{id}";
    private const string Events = "api/profiles/{id}/events";
    private const string History = "api/profiles/{id}/history";

    /// <summary><c>GET /api/profiles/{id}</c>: the live profile, also when <paramref name="id"/> was merged away.</summary>
    [Function("GetProfile")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ById)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, ById, id, async _ => await endpoint.GetAsync(id, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/profiles?identifierType=email&amp;value=...</c>: normalized and hashed as ingestion does.</summary>
    [Function("FindProfile")]
    public Task<IActionResult> Find(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Lookup)] HttpRequest req,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Lookup, null, async _ => await endpoint.FindAsync(req, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/profiles/{id}/events?pageSize=&amp;continuation=</c>: the timeline, newest first.</summary>
    [Function("GetProfileEvents")]
    public Task<IActionResult> GetEvents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Events)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Events, id, async _ => await endpoint.EventsAsync(id, req, cancellationToken), cancellationToken);

    /// <summary><c>GET /api/profiles/{id}/history</c>: merges and identifier decisions of the live profile.</summary>
    [Function("GetProfileHistory")]
    public Task<IActionResult> GetHistory(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = History)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, History, id, async _ => await endpoint.HistoryAsync(id, cancellationToken), cancellationToken);
}
