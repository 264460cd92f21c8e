using System.Text;
using Cdp.Azure.Ingestion;
using Cdp.Core.Ingestion;

namespace Cdp.Azure.Tests.Ingestion;

/// <summary>Against Azurite: the blob adapter's own behaviour beyond the shared contract.</summary>
public sealed class BlobRawEventArchiveTests(AzuriteBlobs azurite) : IClassFixture<AzuriteBlobs>
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 3, 1, 13, 5, 0, TimeSpan.Zero);

    [Fact]
    public async Task WriteAsync_ContainerMissing_CreatesItAndStoresTheFile()
    {
        var container = azurite.NewContainer();
        var archive = new BlobRawEventArchive(container);
        var path = RawArchivePath.For(ReceivedAt, "batch-1");

        await archive.WriteAsync(path, Ndjson("{\"messageId\":\"m-1\"}\n"), CancellationToken.None);

        Assert.True(await container.GetBlobClient("2025/03/01/13/batch-1.ndjson").ExistsAsync());
        Assert.Equal("{\"messageId\":\"m-1\"}\n", Encoding.UTF8.GetString((await archive.ReadAsync(path, CancellationToken.None))!));
    }

    [Fact]
    public async Task WriteAsync_File_IsStoredAsNdjson()
    {
        var container = azurite.NewContainer();
        await new BlobRawEventArchive(container).WriteAsync("a/b.ndjson", Ndjson("{}\n"), CancellationToken.None);

        var properties = await container.GetBlobClient("a/b.ndjson").GetPropertiesAsync();

        Assert.Equal("application/x-ndjson", properties.Value.ContentType);
    }

    [Fact]
    public async Task WriteAsync_SamePathAgain_OverwritesTheFile()
    {
        var archive = new BlobRawEventArchive(azurite.NewContainer());
        await archive.WriteAsync("x.ndjson", Ndjson("{\"v\":1}\n"), CancellationToken.None);

        await archive.WriteAsync("x.ndjson", Ndjson("{\"v\":2}\n"), CancellationToken.None);

        Assert.Equal("{\"v\":2}\n", Encoding.UTF8.GetString((await archive.ReadAsync("x.ndjson", CancellationToken.None))!));
    }

    [Fact]
    public async Task ReadAsync_ContainerNeverWritten_ReturnsNull()
    {
        var archive = new BlobRawEventArchive(azurite.NewContainer());

        Assert.Null(await archive.ReadAsync("2025/03/01/13/none.ndjson", CancellationToken.None));
    }

    private static ReadOnlyMemory<byte> Ndjson(string text) => Encoding.UTF8.GetBytes(text);
}
