using Cdp.Core.Authorization;
using Cdp.Core.Consent;
using Cdp.Functions.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Profiles;

/// <summary>
/// Consent per purpose (<c>GET</c>/<c>PUT /api/profiles/{id}/consent</c>), bound to Core's <see cref="ConsentEndpoint"/>:
/// reading needs <see cref="ApiRoles.ProfilesRead"/>, recording <see cref="ApiRoles.ProfilesWrite"/>.
/// </summary>
public sealed class ConsentFunctions(ConsentEndpoint endpoint, ApiAuthorization authorization)
{
    private const string Consent = "api/profiles/{id}/consent";

    [Function("GetConsent")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Consent)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Consent, id, async _ => await endpoint.GetAsync(id, cancellationToken), cancellationToken);

    [Function("PutConsent")]
    public Task<IActionResult> Put(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Consent)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        authorization.AuthorizedAsync(req, Consent, id, async _ => await endpoint.PutAsync(id, req, cancellationToken), cancellationToken);
}
