using Cdp.Core.Profiles;
using Cdp.Local.Ingestion;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cdp.Local.Profiles;

/// <summary>Read side for marketers and tests, bound to Core's <see cref="ProfileEndpoint"/>; and the health probe.</summary>
public static class ProfilesApi
{
    /// <summary>Maps <c>/profiles/...</c> into <paramref name="api"/>, the authorized <c>/api</c> group.</summary>
    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder api)
    {
        var profiles = api.MapGroup("/profiles");
        profiles.MapGet(string.Empty, (HttpRequest request, ProfileEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.FindAsync(request, cancellationToken));
        profiles.MapGet("/{id}", (string id, ProfileEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.GetAsync(id, cancellationToken));
        profiles.MapGet("/{id}/events", (string id, HttpRequest request, ProfileEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.EventsAsync(id, request, cancellationToken));
        profiles.MapGet("/{id}/history", (string id, ProfileEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.HistoryAsync(id, cancellationToken));
        return api;
    }

    /// <summary><c>GET /health</c>: open to anyone, as it holds no personal data (process supervisors and load balancers poll it).</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", HealthAsync);
        return app;
    }

    public static async Task<JsonHttpResult<HealthResponse>> HealthAsync(ILocalOutbox outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        var queued = await outbox.CountAsync(cancellationToken);
        return TypedResults.Json(new HealthResponse("healthy", queued), LocalJsonContext.Default.HealthResponse);
    }
}
