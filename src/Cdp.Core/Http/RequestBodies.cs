using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Cdp.Core.Http;

/// <summary>What a route accepts as a body: media types, and how many bytes once decompressed.</summary>
/// <param name="AllowTextPlain">Browsers' <c>sendBeacon</c> and the Segment tag post JSON as <c>text/plain</c> (no preflight).</param>
/// <param name="AllowFormLabel">
/// Take <c>application/x-www-form-urlencoded</c> as a label on JSON: axios puts it on any byte buffer it posts, so the
/// RudderStack Node SDK sends its gzipped JSON under it. The body is still parsed as JSON; a real form gets a 400.
/// </param>
public sealed record BodyRules(int MaxBytes, bool AllowTextPlain, string LimitDescription, bool AllowFormLabel = false);

/// <summary>A body read within its rules, or the status and message that refuse it (each API shapes its own error body).</summary>
public readonly record struct BodyRead(ReadOnlyMemory<byte> Body, int Status, string? Error)
{
    public bool Refused => Error is not null;
}

/// <summary>
/// Reads request bodies for every route on both hosts: JSON media types (no content type is taken as JSON),
/// <c>Content-Encoding</c> gzip or deflate (the server SDKs compress), and a limit on the decompressed bytes that is
/// enforced while reading, so neither a lying <c>Content-Length</c> nor a decompression bomb makes the host buffer more
/// than the limit.
/// </summary>
public static class RequestBodies
{
    private const int Chunk = 16 * 1024;

    public static async Task<BodyRead> ReadAsync(HttpRequest request, BodyRules rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(rules);
        if (!IsAccepted(request.ContentType, rules))
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type {Truncate(request.ContentType!)} is not supported; send application/json");
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var compressed = encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase);
        if (!compressed && request.ContentLength > rules.MaxBytes)
        {
            return TooLarge(rules, $"request body is {request.ContentLength} bytes");
        }

        Stream? decoder = encoding.ToUpperInvariant() switch
        {
            "" or "IDENTITY" => null,
            "GZIP" or "X-GZIP" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "DEFLATE" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => Stream.Null,
        };
        if (decoder == Stream.Null)
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Encoding {Truncate(encoding)} is not supported; send gzip, deflate or an uncompressed body");
        }

        try
        {
            await using (decoder)
            {
                var body = await ReadBoundedAsync(decoder ?? request.Body, rules.MaxBytes, cancellationToken);
                return body is null
                    ? TooLarge(rules, compressed ? "request body is too large once decompressed" : "request body is too large")
                    : new BodyRead(body.Value, StatusCodes.Status200OK, null);
            }
        }
        catch (InvalidDataException)
        {
            return Refuse(StatusCodes.Status400BadRequest, $"request body is not valid {encoding.ToLowerInvariant()} data");
        }
        catch (BadHttpRequestException ex)
        {
            // A broken upload (bad chunked encoding, body cut short) is the client's fault, never a 5xx.
            return Refuse(ex.StatusCode, "request body could not be read: " + ex.Message);
        }
    }

    private static bool IsAccepted(string? contentType, BodyRules rules)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (rules.AllowTextPlain && type.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
            || (rules.AllowFormLabel && type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Null as soon as the (decompressed) body passes <paramref name="maxBytes"/>: reads at most one chunk more.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, Chunk), cancellationToken)) > 0)
            {
                if (copy.Length + read > maxBytes)
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

    private static BodyRead TooLarge(BodyRules rules, string what) =>
        Refuse(StatusCodes.Status413PayloadTooLarge, $"{what}; the limit is {rules.MaxBytes} bytes per request ({rules.LimitDescription})");

    private static BodyRead Refuse(int status, string error) => new(ReadOnlyMemory<byte>.Empty, status, error);

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
