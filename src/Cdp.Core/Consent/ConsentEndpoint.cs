using Cdp.Core.Http;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Consent;

/// <summary><c>GET</c>/<c>PUT /api/profiles/{id}/consent</c> on both hosts; the rules are <see cref="ConsentService"/>'s.</summary>
public sealed class ConsentEndpoint(ConsentService consent)
{
    public static readonly BodyRules Body = new(64 * 1024, AllowTextPlain: false, "a consent update");

    public async Task<HttpAnswer> GetAsync(string id, CancellationToken cancellationToken) =>
        Answer(await consent.GetAsync(id, cancellationToken));

    /// <summary>Body: <c>{"source": "...", "purposes": {"marketing": false}, "timestamp": "2025-03-14T15:09:26Z"}</c>.</summary>
    public async Task<HttpAnswer> PutAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var read = await RequestBodies.ReadAsync(request, Body, cancellationToken);
        return read.Refused ? HttpAnswer.Error(read.Status, read.Error!) : Answer(await consent.UpdateAsync(id, read.Body, cancellationToken));
    }

    /// <summary>The one place a consent outcome becomes HTTP.</summary>
    private static HttpAnswer Answer(ConsentResult result) => result.Status switch
    {
        ConsentStatus.Ok => HttpAnswer.Json(StatusCodes.Status200OK, result.View!, ConsentJsonContext.Default.ConsentView),
        ConsentStatus.Invalid => HttpAnswer.Error(StatusCodes.Status400BadRequest, result.Error!),
        ConsentStatus.Conflict => HttpAnswer.Error(StatusCodes.Status409Conflict, result.Error!),
        _ => HttpAnswer.Error(StatusCodes.Status404NotFound, result.Error!),
    };
}
