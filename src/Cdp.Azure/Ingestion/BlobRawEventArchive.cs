using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Cdp.Core.Ingestion;

namespace Cdp.Azure.Ingestion;

/// <summary>The raw-event landing archive: one NDJSON blob per processed batch in the <c>raw-events</c> container.</summary>
internal sealed class BlobRawEventArchive(BlobContainerClient container) : IRawEventArchive
{
    private static readonly BlobHttpHeaders NdjsonHeaders = new() { ContentType = "application/x-ndjson" };

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var blob = container.GetBlobClient(path);
        try
        {
            await UploadAsync(blob, ndjson, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // In Azure the container comes with the infrastructure; against Azurite it is made on first write.
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await UploadAsync(blob, ndjson, cancellationToken);
        }
    }

    public async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            var result = await container.GetBlobClient(path).DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            // The blob, or the whole container before the first write.
            return null;
        }
    }

    /// <summary>No access conditions, so a redelivered batch overwrites its file with the same bytes.</summary>
    private static Task<Response<BlobContentInfo>> UploadAsync(BlobClient blob, ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken) =>
        blob.UploadAsync(
            BinaryData.FromBytes(ndjson),
            new BlobUploadOptions { HttpHeaders = NdjsonHeaders },
            cancellationToken);
}
