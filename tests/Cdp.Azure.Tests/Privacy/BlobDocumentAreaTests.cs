using System.Text;
using Azure.Storage.Blobs;
using Cdp.Azure.Privacy;
using Cdp.Azure.Tests.Ingestion;
using Cdp.Core.Privacy;

namespace Cdp.Azure.Tests.Privacy;

/// <summary>Against Azurite: the blob document areas beyond the shared contract.</summary>
public sealed class BlobDocumentAreaTests(AzuriteBlobs azurite) : IClassFixture<AzuriteBlobs>
{
    [Fact]
    public async Task WriteAsync_ContainerMissing_CreatesItAndStoresTheFileWithItsContentType()
    {
        var (area, containers) = NewArea();

        await area.WriteAsync(DocumentAreas.Certificates, "r-1.json", Encoding.UTF8.GetBytes("{}"), "application/json", CancellationToken.None);

        var properties = await containers[DocumentAreas.Certificates].GetBlobClient("r-1.json").GetPropertiesAsync();
        Assert.Equal("application/json", properties.Value.ContentType);
        Assert.False(await containers[DocumentAreas.Exports].ExistsAsync());
    }

    [Fact]
    public async Task WriteAsync_SamePathAgain_Overwrites()
    {
        var (area, _) = NewArea();
        await area.WriteAsync(DocumentAreas.AccessPackages, "r-1.json", Encoding.UTF8.GetBytes("{\"v\":1}"), "application/json", CancellationToken.None);

        await area.WriteAsync(DocumentAreas.AccessPackages, "r-1.json", Encoding.UTF8.GetBytes("{\"v\":2}"), "application/json", CancellationToken.None);

        Assert.Equal("{\"v\":2}", Encoding.UTF8.GetString((await area.ReadAsync(DocumentAreas.AccessPackages, "r-1.json", CancellationToken.None))!));
    }

    [Fact]
    public async Task ReadDeleteList_ContainerNeverWritten_FindNothingWithoutError()
    {
        var (area, _) = NewArea();

        Assert.Null(await area.ReadAsync(DocumentAreas.Exports, "x.csv", CancellationToken.None));
        Assert.False(await area.DeleteAsync(DocumentAreas.Exports, "x.csv", CancellationToken.None));
        Assert.Empty(await area.ListAsync(DocumentAreas.Exports, "", CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_UnknownArea_ThrowsNamingTheAreas()
    {
        var (area, _) = NewArea();

        var thrown = await Assert.ThrowsAsync<ArgumentException>(
            () => area.WriteAsync("raw-events", "x.ndjson", "x"u8.ToArray(), "application/x-ndjson", CancellationToken.None));
        Assert.Contains("certificates", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_Settings_WritesEachAreaToItsConfiguredContainer()
    {
        var (exports, packages, certificates) = (azurite.NewContainer(), azurite.NewContainer(), azurite.NewContainer());
        var options = new CdpAzureOptions
        {
            ExportsBlobContainer = exports.Name,
            AccessPackagesBlobContainer = packages.Name,
            CertificatesBlobContainer = certificates.Name,
        };
        var area = BlobDocumentArea.From(azurite.Service, options);

        await area.WriteAsync(DocumentAreas.Exports, "e.csv", "e"u8.ToArray(), "text/csv", CancellationToken.None);
        await area.WriteAsync(DocumentAreas.AccessPackages, "a.json", "{}"u8.ToArray(), "application/json", CancellationToken.None);
        await area.WriteAsync(DocumentAreas.Certificates, "c.json", "{}"u8.ToArray(), "application/json", CancellationToken.None);

        Assert.True(await exports.GetBlobClient("e.csv").ExistsAsync());
        Assert.True(await packages.GetBlobClient("a.json").ExistsAsync());
        Assert.True(await certificates.GetBlobClient("c.json").ExistsAsync());
    }

    private (BlobDocumentArea Area, Dictionary<string, BlobContainerClient> Containers) NewArea()
    {
        var containers = DocumentAreas.All.ToDictionary(a => a, _ => azurite.NewContainer(), StringComparer.Ordinal);
        return (new BlobDocumentArea(containers), containers);
    }
}
