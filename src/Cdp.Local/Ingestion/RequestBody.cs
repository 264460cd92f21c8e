using System.Buffers;
using Cdp.Core.Ingestion;
using Microsoft.Net.Http.Headers;

namespace Cdp.Local.Ingestion;

/// <summary>
/// Reads an ingestion request body within bounds, or says why not (as status code and message): a wrong content
/// type, or a body larger than <see cref="MaxBytes"/>, detected before it is buffered whether or not it declares a length.
/// </summary>
public static class RequestBody
{
    /// <summary>
    /// Bodies above this are refused (413). It sits above Segment's 500 KB batch limit so that a slightly
    /// oversized batch still gets Core's 400 naming its exact size.
    /// </summary>
    public const int MaxBytes = 600 * 1024;

    public readonly record struct Outcome(ReadOnlyMemory<byte> Body, int StatusCode, string? Error);

    public static async Task<Outcome> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return Refused(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type {Truncate(request.ContentType!)} is not supported; send application/json");
        }

        if (request.ContentLength > MaxBytes)
        {
            return TooLarge($"request body is {request.ContentLength} bytes");
        }

        try
        {
            var body = await ReadBoundedAsync(request, cancellationToken);
            return body is null ? TooLarge("request body is too large") : new Outcome(body.Value, StatusCodes.Status200OK, null);
        }
        catch (BadHttpRequestException ex)
        {
            // A broken upload (bad chunked encoding, body cut short) is the client's fault, never a 5xx.
            return Refused(ex.StatusCode, "request body could not be read: " + ex.Message);
        }
    }

    /// <summary>Segment SDKs send application/json; browsers' sendBeacon sends text/plain.</summary>
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

    /// <summary>Null as soon as the body passes <see cref="MaxBytes"/>: the length header may be absent or lie.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream((int)(request.ContentLength ?? 4096));
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (copy.Length + read > MaxBytes)
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

    private static Outcome TooLarge(string what) => Refused(
        StatusCodes.Status413PayloadTooLarge,
        $"{what}; the limit is {MaxBytes} bytes per request (Segment's limits: {IngestionLimits.MaxBatchBytes} bytes per batch, {IngestionLimits.MaxEventBytes} per event)");

    private static Outcome Refused(int statusCode, string error) => new(ReadOnlyMemory<byte>.Empty, statusCode, error);

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
