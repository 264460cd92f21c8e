using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cdp.Local.Ingestion;

/// <summary>The Segment Tracking API routes: authenticate and validate in Core, make the events durable, answer.</summary>
public static class IngestionApi
{
    private const string Routes = "batch, identify, track, page, screen, group, alias (import is batch)";

    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/{route}", IngestAsync);
        v1.MapMethods("/{route}", [HttpMethods.Get, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], MethodNotAllowed);
        return app;
    }

    public static async Task<JsonHttpResult<IngestResponse>> IngestAsync(
        string route, HttpRequest request, EventIntake intake, ILocalOutbox outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(intake);
        if (IngestRoutes.Parse(route) is not { } ingestRoute)
        {
            return Refuse(StatusCodes.Status404NotFound, $"no route /v1/{Truncate(route)}; use one of {Routes}");
        }

        var (body, status, error) = await RequestBody.ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return Refuse(status, error);
        }

        var result = await intake.AcceptAsync(ingestRoute, request.Headers.Authorization, body, cancellationToken);
        result = await KeepAsync(result, outbox, cancellationToken);
        return ToHttp(request, result);
    }

    public static JsonHttpResult<IngestResponse> MethodNotAllowed(string route, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Allow = HttpMethods.Post;
        return Refuse(StatusCodes.Status405MethodNotAllowed, $"/v1/{Truncate(route)} accepts POST only");
    }

    /// <summary>The 200 promises the events are kept: accepted events are committed to the outbox before it is sent.</summary>
    private static async Task<IntakeResult> KeepAsync(IntakeResult result, ILocalOutbox outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        if (result.Status != IntakeStatus.Accepted)
        {
            return result;
        }

        await outbox.EnqueueAsync(result.Accepted, cancellationToken);
        return result;
    }

    /// <summary>The one place an intake outcome becomes HTTP.</summary>
    private static JsonHttpResult<IngestResponse> ToHttp(HttpRequest request, IntakeResult result) => result.Status switch
    {
        IntakeStatus.Unauthorized => Unauthorized(request, result.Error!),
        IntakeStatus.Invalid => TypedResults.Json(
            new IngestResponse(false, Error: result.Error, Rejected: result.Rejected),
            LocalJsonContext.Default.IngestResponse,
            statusCode: StatusCodes.Status400BadRequest),
        _ => TypedResults.Json(new IngestResponse(true, result.Accepted.Count, Rejected: result.Rejected), LocalJsonContext.Default.IngestResponse),
    };

    private static JsonHttpResult<IngestResponse> Unauthorized(HttpRequest request, string error)
    {
        request.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"cdp\"";
        return Refuse(StatusCodes.Status401Unauthorized, error);
    }

    private static JsonHttpResult<IngestResponse> Refuse(int statusCode, string error) =>
        TypedResults.Json(new IngestResponse(false, Error: error), LocalJsonContext.Default.IngestResponse, statusCode: statusCode);

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
