using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Cdp.Core.Privacy;

namespace Cdp.Azure.Privacy;

/// <summary>
/// The document areas as blob containers: <c>exports</c>, <c>access-packages</c>, <c>certificates</c> (names from
/// settings). A path is a blob name. Containers come with the infrastructure; against Azurite one is made on first write.
/// </summary>
internal sealed class BlobDocumentArea(IReadOnlyDictionary<string, BlobContainerClient> containers) : IDocumentArea
{
    public static BlobDocumentArea From(BlobServiceClient service, CdpAzureOptions options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        return new BlobDocumentArea(new Dictionary<string, BlobContainerClient>(StringComparer.Ordinal)
        {
            [DocumentAreas.Exports] = service.GetBlobContainerClient(options.ExportsBlobContainer),
            [DocumentAreas.AccessPackages] = service.GetBlobContainerClient(options.AccessPackagesBlobContainer),
            [DocumentAreas.Certificates] = service.GetBlobContainerClient(options.CertificatesBlobContainer),
        });
    }

    public async Task WriteAsync(string area, string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        var container = Container(area);
        var blob = container.GetBlobClient(path);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } };
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken);
        }
    }

    public async Task<byte[]?> ReadAsync(string area, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            var result = await Container(area).GetBlobClient(path).DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            // The blob, or the whole container before the first write.
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string area, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            var response = await Container(area).GetBlobClient(path).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
            return response.Value;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string area, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var paths = new List<string>();
        try
        {
            await foreach (var item in Container(area).GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
            {
                paths.Add(item.Name);
            }
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            // No container yet: nothing was ever written there.
            return [];
        }

        // The port promises ordinal (UTF-16) order; the service does not document its order for names outside ASCII.
        paths.Sort(StringComparer.Ordinal);
        return paths;
    }

    private BlobContainerClient Container(string area)
    {
        ArgumentException.ThrowIfNullOrEmpty(area);
        return containers.TryGetValue(area, out var container)
            ? container
            : throw new ArgumentException($"'{area}' is not a document area; use one of {string.Join(", ", containers.Keys)}", nameof(area));
    }
}
