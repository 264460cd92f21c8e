using Cdp.Core.Destinations;

namespace Cdp.Local.Destinations;

/// <summary>
/// The destination routes, mapped into the authorized <c>/api</c> group and bound to Core's <see cref="DestinationsEndpoint"/>
/// (the same answers as in Azure): <c>/destinations</c> (role Segments.Manage) and a profile's deliveries under
/// <c>/profiles/{id}/destinations</c> (role Profiles.Read).
/// </summary>
public static class DestinationsApi
{
    public static IEndpointRouteBuilder MapDestinationsApi(this IEndpointRouteBuilder api)
    {
        var destinations = api.MapGroup("/destinations");
        destinations.MapGet("", (DestinationsEndpoint endpoint, CancellationToken cancellationToken) => endpoint.ListAsync(cancellationToken));
        destinations.MapGet("/{key}/dead-letters", (string key, HttpRequest request, DestinationsEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.DeadLettersAsync(key, request, cancellationToken));
        destinations.MapPost("/{key}/dead-letters/redrive", (string key, HttpRequest request, DestinationsEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.RedriveAsync(key, request, cancellationToken));
        destinations.MapPost("/{key}/files", (string key, HttpRequest request, MemberFileEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.WriteAsync(key, request, cancellationToken));
        api.MapGet("/profiles/{id}/destinations", (string id, DestinationsEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.ProfileDeliveriesAsync(id, cancellationToken));
        return api;
    }
}
