using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Cdp.Local.Ingestion;

/// <summary>The Segment Tracking API routes: authenticate and validate in Core, make the events durable, answer.</summary>
public static class IngestionApi
{
    /// <summary>
    /// Bodies above this are refused before they are read (413). It sits above Segment's 500 KB batch limit
    /// so that a slightly oversized batch still gets Core's 400 naming its exact size.
    /// </summary>
    public const int MaxRequestBytes = 600 * 1024;

    private const string Routes = "batch, identify, track, page, screen, group, alias (import is batch)";

    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/{route}", IngestAsync);
        v1.MapMethods("/{route}", [HttpMethods.Get, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], MethodNotAllowed);
        return app;
    }

    public static async Task<IResult> IngestAsync(
        string route,
        HttpRequest request,
        EventIntake intake,
        ILocalOutbox outbox,
        ISourceDirectory sources,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(sources);
        if (IngestRoutes.Parse(route) is not { } ingestRoute)
        {
            return Refuse(StatusCodes.Status404NotFound, $"no route /v1/{Truncate(route)}; use one of {Routes}");
        }

        if (!IsJson(request.ContentType))
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type {Truncate(request.ContentType!)} is not supported; send application/json");
        }

        if (request.ContentLength > MaxRequestBytes)
        {
            return TooLarge(request.ContentLength.Value);
        }

        ReadOnlyMemory<byte>? body;
        try
        {
            body = await ReadBoundedAsync(request, cancellationToken);
        }
        catch (BadHttpRequestException ex)
        {
            // A broken upload (bad chunked encoding, body cut short) is the client's fault, never a 5xx.
            return Refuse(ex.StatusCode, "request body could not be read: " + ex.Message);
        }

        if (body is null)
        {
            return TooLarge(null);
        }

        if (!Utf8.IsValid(body.Value.Span))
        {
            // Core's parser throws on invalid UTF-8 inside strings (a 500); JSON must be UTF-8, so refuse it here,
            // checking the key first as Core does for every unreadable body.
            var key = WriteKeys.FromAuthorizationHeader(request.Headers.Authorization);
            return key is null || await sources.FindByWriteKeyAsync(key, cancellationToken) is null
                ? Unauthorized(request, key is null ? "missing write key: send it as the HTTP Basic user name" : "unknown write key")
                : Refuse(StatusCodes.Status400BadRequest, "malformed JSON: the request body is not valid UTF-8");
        }

        var result = await intake.AcceptAsync(ingestRoute, request.Headers.Authorization, body.Value, cancellationToken);
        if (result.Status == IntakeStatus.Accepted)
        {
            // The 200 promises the events are kept: they are committed to the outbox first.
            try
            {
                await outbox.EnqueueAsync(result.Accepted, cancellationToken);
            }
            catch (JsonException) when (UnencodableEvents.TryRemove(result, ingestRoute, out var repaired))
            {
                result = repaired;
                if (result.Status == IntakeStatus.Accepted)
                {
                    await outbox.EnqueueAsync(result.Accepted, cancellationToken);
                }
            }
        }

        return result.Status switch
        {
            IntakeStatus.Unauthorized => Unauthorized(request, result.Error!),
            IntakeStatus.Invalid => TypedResults.Json(
                new IngestResponse(false, Error: result.Error, Rejected: result.Rejected),
                LocalJsonContext.Default.IngestResponse,
                statusCode: StatusCodes.Status400BadRequest),
            _ => TypedResults.Json(
                new IngestResponse(true, result.Accepted.Count, Rejected: result.Rejected),
                LocalJsonContext.Default.IngestResponse),
        };
    }

    public static IResult MethodNotAllowed(string route, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Allow = HttpMethods.Post;
        return Refuse(StatusCodes.Status405MethodNotAllowed, $"/v1/{Truncate(route)} accepts POST only");
    }

    /// <summary>Segment SDKs send application/json; sendBeacon sends text/plain; curl without -H sends nothing useful.</summary>
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads the body, or returns null as soon as it passes <see cref="MaxRequestBytes"/> (the length header may be absent or lie).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream((int)(request.ContentLength ?? 4096));
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (copy.Length + read > MaxRequestBytes)
                {
                    return null;
                }

                copy.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }

    private static JsonHttpResult<IngestResponse> TooLarge(long? length) => Refuse(
        StatusCodes.Status413PayloadTooLarge,
        (length is { } bytes ? $"request body is {bytes} bytes" : "request body is too large")
            + $"; the limit is {MaxRequestBytes} bytes (batches: {IngestionLimits.MaxBatchBytes} bytes, events: {IngestionLimits.MaxEventBytes} bytes)");

    private static JsonHttpResult<IngestResponse> Unauthorized(HttpRequest request, string error)
    {
        request.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"cdp\"";
        return Refuse(StatusCodes.Status401Unauthorized, error);
    }

    private static JsonHttpResult<IngestResponse> Refuse(int statusCode, string error) =>
        TypedResults.Json(new IngestResponse(false, Error: error), LocalJsonContext.Default.IngestResponse, statusCode: statusCode);

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
