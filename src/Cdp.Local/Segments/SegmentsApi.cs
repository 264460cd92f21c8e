using Cdp.Core.Segments;

namespace Cdp.Local.Segments;

/// <summary>
/// The segment routes, mapped into the authorized <c>/api</c> group and bound to Core's <see cref="SegmentEndpoint"/> (the
/// same answers as in Azure). Segment routes need <c>Segments.Manage</c>; a profile's segments need <c>Profiles.Read</c>.
/// </summary>
public static class SegmentsApi
{
    /// <summary>Maps <c>/segments/...</c> and <c>/profiles/{id}/segments</c> into <paramref name="api"/>, the authorized <c>/api</c> group.</summary>
    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder api)
    {
        var segments = api.MapGroup("/segments");
        segments.MapGet(string.Empty, (SegmentEndpoint endpoint, CancellationToken cancellationToken) => endpoint.ListAsync(cancellationToken));
        segments.MapPost("/preview", (HttpRequest request, SegmentEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.PreviewAsync(request, cancellationToken));
        segments.MapPost("/refresh", (SegmentEndpoint endpoint, CancellationToken cancellationToken) => endpoint.RefreshAsync(cancellationToken));
        segments.MapPut("/{key}", (string key, HttpRequest request, SegmentEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.PutAsync(key, request, cancellationToken));
        segments.MapGet("/{key}", (string key, SegmentEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.GetAsync(key, cancellationToken));
        segments.MapDelete("/{key}", (string key, SegmentEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.DeleteAsync(key, cancellationToken));
        segments.MapGet("/{key}/members", (string key, HttpRequest request, SegmentEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.MembersAsync(key, request, cancellationToken));
        api.MapGet("/profiles/{id}/segments", (string id, SegmentEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.ProfileSegmentsAsync(id, cancellationToken));
        return api;
    }
}
