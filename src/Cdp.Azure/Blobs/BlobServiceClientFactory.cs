using Azure.Storage.Blobs;
using Cdp.Azure.Cosmos;

namespace Cdp.Azure.Blobs;

/// <summary>Builds the application's single <see cref="BlobServiceClient"/>: managed identity in Azure, a connection string for Azurite.</summary>
internal static class BlobServiceClientFactory
{
    public static BlobServiceClient Create(CdpAzureOptions options, CdpCredential credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        return string.IsNullOrWhiteSpace(options.BlobConnectionString)
            ? new BlobServiceClient(options.BlobServiceUri ?? throw new InvalidOperationException("Cdp:Azure:BlobServiceUri or Cdp:Azure:BlobConnectionString is required"), credential.Value)
            : new BlobServiceClient(options.BlobConnectionString);
    }
}
