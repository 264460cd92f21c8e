using Cdp.Core.Consent;
using Cdp.Local.Ingestion;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cdp.Local.Profiles;

/// <summary>A profile's consent per purpose: read it with its history, or record answers (e.g. from a preference centre).</summary>
public static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var consent = app.MapGroup("/api/profiles/{id}/consent");
        consent.MapGet(string.Empty, GetAsync);
        consent.MapPut(string.Empty, PutAsync);
        return app;
    }

    public static async Task<Results<JsonHttpResult<ConsentView>, JsonHttpResult<ErrorResponse>>> GetAsync(
        string id, ConsentService consent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consent);
        return ToHttp(await consent.GetAsync(id, cancellationToken));
    }

    /// <summary>Body: <c>{"source": "...", "purposes": {"marketing": false}, "timestamp": "2025-03-14T15:09:26Z"}</c>; Core validates it.</summary>
    public static async Task<Results<JsonHttpResult<ConsentView>, JsonHttpResult<ErrorResponse>>> PutAsync(
        string id, HttpRequest request, ConsentService consent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var body = await RequestBody.ReadAsync(request, cancellationToken);
        return body.Error is { } error
            ? Error(body.StatusCode, error)
            : ToHttp(await consent.UpdateAsync(id, body.Body, cancellationToken));
    }

    /// <summary>The one place a consent outcome becomes HTTP.</summary>
    private static Results<JsonHttpResult<ConsentView>, JsonHttpResult<ErrorResponse>> ToHttp(ConsentResult result) => result.Status switch
    {
        ConsentStatus.Ok => TypedResults.Json(result.View!, ConsentJsonContext.Default.ConsentView),
        ConsentStatus.Invalid => Error(StatusCodes.Status400BadRequest, result.Error!),
        ConsentStatus.Conflict => Error(StatusCodes.Status409Conflict, result.Error!),
        _ => Error(StatusCodes.Status404NotFound, result.Error!),
    };

    private static JsonHttpResult<ErrorResponse> Error(int statusCode, string message) =>
        TypedResults.Json(new ErrorResponse(message), LocalJsonContext.Default.ErrorResponse, statusCode: statusCode);
}
