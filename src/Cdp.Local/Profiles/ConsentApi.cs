using Cdp.Core.Consent;

namespace Cdp.Local.Profiles;

/// <summary>A profile's consent per purpose, bound to Core's <see cref="ConsentEndpoint"/>: read it with its history, or record answers.</summary>
public static class ConsentApi
{
    /// <summary>Maps <c>/profiles/{id}/consent</c> into <paramref name="api"/>, the authorized <c>/api</c> group.</summary>
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder api)
    {
        var consent = api.MapGroup("/profiles/{id}/consent");
        consent.MapGet(string.Empty, (string id, ConsentEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.GetAsync(id, cancellationToken));
        consent.MapPut(string.Empty, (string id, HttpRequest request, ConsentEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.PutAsync(id, request, cancellationToken));
        return api;
    }
}
