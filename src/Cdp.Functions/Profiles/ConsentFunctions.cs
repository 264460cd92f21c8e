using System.Text.Json;
using Cdp.Core.Consent;
using Cdp.Functions.Ingestion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Profiles;

/// <summary>Consent per purpose (<c>GET</c>/<c>PUT /api/profiles/{id}/consent</c>); every rule is in Core's <see cref="ConsentService"/>.</summary>
public sealed class ConsentFunctions(ConsentService consent)
{
    [Function("GetConsent")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/profiles/{id}/consent")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        From(await consent.GetAsync(id, cancellationToken));

    [Function("PutConsent")]
    public async Task<IActionResult> Put(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/profiles/{id}/consent")] HttpRequest req,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return await RequestBody.ReadAsync(req, cancellationToken) is { } body
            ? From(await consent.UpdateAsync(id, body, cancellationToken))
            : JsonResponse.Object(StatusCodes.Status413PayloadTooLarge, w => w.WriteString("error", RequestBody.TooLargeMessage(req.ContentLength)));
    }

    private static ContentResult From(ConsentResult result) => result.Status switch
    {
        ConsentStatus.Ok => JsonResponse.Raw(StatusCodes.Status200OK, JsonSerializer.Serialize(result.View!, ConsentJsonContext.Default.ConsentView)),
        ConsentStatus.Invalid => JsonResponse.Object(StatusCodes.Status400BadRequest, w => w.WriteString("error", result.Error)),
        ConsentStatus.Conflict => JsonResponse.Object(StatusCodes.Status409Conflict, w => w.WriteString("error", result.Error)),
        _ => JsonResponse.Object(StatusCodes.Status404NotFound, w => w.WriteString("error", result.Error)),
    };
}
