using Cdp.Core.Ingestion;

namespace Cdp.Local.Ingestion;

/// <summary>
/// The Segment Tracking API routes and the source settings route, bound to Core's <see cref="IngestEndpoint"/> and
/// <see cref="SourceSettingsEndpoint"/> (the same answers, CORS included, as in Azure).
/// </summary>
public static class IngestionApi
{
    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/{route}", (string route, HttpRequest request, IngestEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.PostAsync(route, request, cancellationToken));
        v1.MapMethods("/{route}", [HttpMethods.Options], (string route, HttpRequest request) => IngestEndpoint.Preflight(route, request));
        v1.MapMethods("/{route}", [HttpMethods.Get, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete],
            (string route, HttpRequest request) => IngestEndpoint.MethodNotAllowed(route, request));

        v1.MapGet("/projects/{writeKey}/settings",
            (string writeKey, HttpRequest request, SourceSettingsEndpoint endpoint, CancellationToken cancellationToken) =>
                endpoint.GetAsync(writeKey, request, cancellationToken));
        v1.MapMethods("/projects/{writeKey}/settings", [HttpMethods.Options], (HttpRequest request) => SourceSettingsEndpoint.Preflight(request));
        return app;
    }
}
