using System.Buffers;
using Cdp.Core.Ingestion;
using Microsoft.AspNetCore.Http;

namespace Cdp.Functions.Ingestion;

/// <summary>Reads a request body into memory without letting a huge one exhaust it.</summary>
internal static class RequestBody
{
    /// <summary>
    /// Bodies above this are refused with 413, as the local host does. It sits above Segment's 500 KB
    /// batch limit so that a slightly oversized batch still gets Core's 400 naming its exact size.
    /// </summary>
    public const int MaxRequestBytes = 600 * 1024;

    /// <summary>The body, or null as soon as it passes <see cref="MaxRequestBytes"/> (the length header may be absent or lie).</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxRequestBytes)
        {
            return null;
        }

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

    public static string TooLargeMessage(long? length) =>
        (length is { } bytes ? $"request body is {bytes} bytes" : "request body is too large")
        + $"; the limit is {MaxRequestBytes} bytes (batches: {IngestionLimits.MaxBatchBytes} bytes, events: {IngestionLimits.MaxEventBytes} bytes)";
}
