using Cdp.Core.Consent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Profiles;

/// <summary>Consent per purpose (<c>GET</c>/<c>PUT /api/profiles/{id}/consent</c>), bound to Core's <see cref="ConsentEndpoint"/>.</summary>
public sealed class ConsentFunctions(ConsentEndpoint endpoint)
{
    [Function("GetConsent")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/profiles/{id}/consent")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        await endpoint.GetAsync(id, cancellationToken);

    [Function("PutConsent")]
    public async Task<IActionResult> Put(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/profiles/{id}/consent")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        await endpoint.PutAsync(id, req, cancellationToken);
}
