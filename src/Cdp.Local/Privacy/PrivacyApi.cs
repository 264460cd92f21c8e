using Cdp.Core.Authorization;
using Cdp.Core.Privacy;

namespace Cdp.Local.Privacy;

/// <summary>
/// The OpenDSR privacy routes, mapped into the authorized <c>/api</c> group (role <see cref="PrivacyAccess.ManageRole"/>) and
/// bound to Core's <see cref="PrivacyEndpoint"/> (the same answers as in Azure): submit, read, list and cancel requests, a
/// request's results and certificate, the discovery document and the suppression summary.
/// </summary>
public static class PrivacyApi
{
    /// <summary>Maps <c>/privacy/...</c> into <paramref name="api"/>, the authorized <c>/api</c> group.</summary>
    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder api)
    {
        var privacy = api.MapGroup("/privacy");
        privacy.MapPost("/requests", (HttpContext context, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.SubmitAsync(context.Request, ApiAuthorization.CallerOf(context).Id, cancellationToken));
        privacy.MapGet("/requests", (HttpRequest request, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.ListAsync(request, cancellationToken));
        privacy.MapGet("/requests/{id}", (string id, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.GetAsync(id, cancellationToken));
        privacy.MapDelete("/requests/{id}", (string id, HttpContext context, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.CancelAsync(id, ApiAuthorization.CallerOf(context).Id, cancellationToken));
        privacy.MapGet("/requests/{id}/results", (string id, HttpRequest request, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.ResultsAsync(id, request, cancellationToken));
        privacy.MapGet("/requests/{id}/certificate", (string id, PrivacyEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.CertificateAsync(id, cancellationToken));
        privacy.MapGet("/discovery", (PrivacyEndpoint endpoint) => endpoint.Discovery());
        privacy.MapGet("/suppression", (PrivacyEndpoint endpoint, CancellationToken cancellationToken) => endpoint.SuppressionAsync(cancellationToken));
        return api;
    }
}
