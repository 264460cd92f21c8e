using Cdp.Core.Ingestion;

namespace Cdp.Local.Ingestion;

/// <summary>The Segment Tracking API routes, bound to Core's <see cref="IngestEndpoint"/> (the same answers as in Azure).</summary>
public static class IngestionApi
{
    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/{route}", (string route, HttpRequest request, IngestEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.PostAsync(route, request, cancellationToken));
        v1.MapMethods("/{route}", [HttpMethods.Get, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete],
            (string route) => IngestAnswers.MethodNotAllowed(route));
        return app;
    }
}
