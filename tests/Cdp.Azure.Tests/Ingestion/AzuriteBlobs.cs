using Azure.Storage.Blobs;

namespace Cdp.Azure.Tests.Ingestion;

/// <summary>
/// The real Azure Storage emulator the blob tests run against. test.sh starts it; without it these tests fail
/// (they are never skipped) with the command to start one.
/// </summary>
public sealed class AzuriteBlobs : IAsyncLifetime
{
    public const string ConnectionVariable = "CDP_AZURITE_BLOB_CONNECTION";

    private readonly List<BlobContainerClient> _created = [];

    public BlobServiceClient Service { get; } = new(Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } connection
        ? connection
        : throw new InvalidOperationException(
            $"{ConnectionVariable} is not set. Run ./test.sh, or start Azurite yourself: " +
            "`npx azurite-blob --blobHost 127.0.0.1 --blobPort 10000 --skipApiVersionCheck --location /tmp/azurite --silent` and set " +
            $"{ConnectionVariable}=\"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\""));

    /// <summary>A container name no other test uses; deleted when the fixture is disposed. Not created.</summary>
    public BlobContainerClient NewContainer()
    {
        var container = Service.GetBlobContainerClient("t-" + Guid.NewGuid().ToString("N"));
        _created.Add(container);
        return container;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var container in _created)
        {
            await container.DeleteIfExistsAsync();
        }
    }
}
