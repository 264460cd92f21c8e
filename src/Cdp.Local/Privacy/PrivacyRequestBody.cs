using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace Cdp.Local.Privacy;

/// <summary>Reads a privacy request body within a bound (413 above it, declared length or not), or says why not.</summary>
internal static class PrivacyRequestBody
{
    public readonly record struct Outcome(ReadOnlyMemory<byte> Body, int StatusCode, string? Error);

    public static async Task<Outcome> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(request.ContentType)
            && !(MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
                && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                    || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))))
        {
            return new(default, StatusCodes.Status415UnsupportedMediaType, "send the request as application/json");
        }

        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        using var copy = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (copy.Length + read > maxBytes)
                {
                    return TooLarge(maxBytes);
                }

                copy.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            // A broken upload is the client's fault, never a 5xx.
            return new(default, ex.StatusCode, "the request body could not be read: " + ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return new(copy.ToArray(), StatusCodes.Status200OK, null);
    }

    private static Outcome TooLarge(int maxBytes) =>
        new(default, StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {maxBytes} bytes, the limit for a privacy request");
}
