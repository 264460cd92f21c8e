using Cdp.Core.Privacy;
using Cdp.Local.Privacy;

namespace Cdp.Local.Tests.Privacy;

public sealed class FileDocumentAreaTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly PrivacyDatabase _db = new();
    private readonly FileDocumentArea _area;

    public FileDocumentAreaTests() => _area = new FileDocumentArea(Microsoft.Extensions.Options.Options.Create(_db.Options));

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task WriteReadListDelete_FilesLiveUnderTheAreaFolder()
    {
        await _area.WriteAsync(DocumentAreas.Certificates, "r1.json", "{\"a\":1}"u8.ToArray(), "application/json", None);
        await _area.WriteAsync(DocumentAreas.Exports, "seg-1/2026/part-0.csv", "id\n1\n"u8.ToArray(), "text/csv", None);
        await _area.WriteAsync(DocumentAreas.Exports, "seg-1/2026/part-0.csv", "id\n2\n"u8.ToArray(), "text/csv", None);

        Assert.True(File.Exists(Path.Combine(_db.DataDirectory, "certificates", "r1.json")));
        Assert.Equal("id\n2\n"u8.ToArray(), await _area.ReadAsync(DocumentAreas.Exports, "seg-1/2026/part-0.csv", None));
        Assert.Equal(["seg-1/2026/part-0.csv"], await _area.ListAsync(DocumentAreas.Exports, "seg-1/", None));
        Assert.Empty(await _area.ListAsync(DocumentAreas.AccessPackages, string.Empty, None));
        Assert.True(await _area.DeleteAsync(DocumentAreas.Certificates, "r1.json", None));
        Assert.False(await _area.DeleteAsync(DocumentAreas.Certificates, "r1.json", None));
        Assert.Null(await _area.ReadAsync(DocumentAreas.Certificates, "r1.json", None));
    }

    [Theory]
    [InlineData("certificates", "../pepper.key")]
    [InlineData("certificates", "a/../../cdp.db")]
    [InlineData("certificates", "/etc/passwd")]
    [InlineData("certificates", "a\\..\\b")]
    [InlineData("certificates", "a//b")]
    [InlineData("certificates", "")]
    [InlineData("raw-events", "2026/11/20/10/batch.ndjson")]
    [InlineData("..", "cdp.db")]
    public async Task Paths_LeavingTheAreaOrUnknownArea_Refused(string area, string path)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _area.WriteAsync(area, path, "x"u8.ToArray(), "text/plain", None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _area.ReadAsync(area, path, None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _area.DeleteAsync(area, path, None));
        Assert.Equal(["cdp.db", "cdp.db-shm", "cdp.db-wal"], Directory.GetFiles(_db.DataDirectory).Select(Path.GetFileName).Order());
    }
}
