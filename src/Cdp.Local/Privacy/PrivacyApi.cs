using Cdp.Core.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cdp.Local.Privacy;

/// <summary>
/// The OpenDSR privacy routes, all behind <see cref="ComplianceAuthorization"/>, bound to Core's <see cref="PrivacyEndpoint"/>
/// (the same answers as in Azure): submit, read, list and cancel requests, a request's results and certificate, the
/// discovery document and the suppression summary.
/// </summary>
public static class PrivacyApi
{
    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var privacy = app.MapGroup("/api/privacy").AddEndpointFilter<ComplianceAuthorization>();
        privacy.MapPost("/requests", (HttpContext context, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.SubmitAsync(context.Request, ComplianceAuthorization.CallerOf(context), cancellationToken));
        privacy.MapGet("/requests", (HttpRequest request, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.ListAsync(request, cancellationToken));
        privacy.MapGet("/requests/{id}", (string id, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.GetAsync(id, cancellationToken));
        privacy.MapDelete("/requests/{id}", (string id, HttpContext context, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.CancelAsync(id, ComplianceAuthorization.CallerOf(context), cancellationToken));
        privacy.MapGet("/requests/{id}/results", (string id, HttpRequest request, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.ResultsAsync(id, request, cancellationToken));
        privacy.MapGet("/requests/{id}/certificate", (string id, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.CertificateAsync(id, cancellationToken));
        privacy.MapGet("/discovery", (PrivacyEndpoint endpoint) => endpoint.Discovery());
        privacy.MapGet("/suppression", (PrivacyEndpoint endpoint, CancellationToken cancellationToken) => endpoint.SuppressionAsync(cancellationToken));
        return app;
    }

    /// <summary>The refusals of <see cref="ComplianceAuthorization"/>: <c>{"error": message}</c>, as every privacy 4xx.</summary>
    internal static JsonHttpResult<ErrorResponse> Error(int statusCode, string message) =>
        TypedResults.Json(new ErrorResponse(message), LocalJsonContext.Default.ErrorResponse, statusCode: statusCode);
}
