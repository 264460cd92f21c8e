using Cdp.Local.Ingestion;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Tests.Storage;

public sealed class FileRawEventArchiveTests : IDisposable
{
    private readonly ScratchDatabase _scratch = new();
    private readonly FileRawEventArchive _archive;

    public FileRawEventArchiveTests() => _archive = new FileRawEventArchive(Options.Create(_scratch.Options));

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task WriteAsync_ArchivePath_LandsUnderDataDirectoryRawEvents()
    {
        await _archive.WriteAsync("2025/01/31/12/b1.ndjson", "{}\n"u8.ToArray(), CancellationToken.None);

        var file = Path.Combine(_scratch.DataDirectory, "raw-events", "2025", "01", "31", "12", "b1.ndjson");
        Assert.Equal("{}\n"u8.ToArray(), await File.ReadAllBytesAsync(file));
    }

    [Theory]
    [InlineData("../outside.ndjson")]
    [InlineData("2025/../../outside.ndjson")]
    [InlineData("/etc/outside.ndjson")]
    [InlineData("2025//b.ndjson")]
    [InlineData("2025\\b.ndjson")]
    [InlineData("2025/b.ndjson.tmp")]
    public async Task WriteAsync_PathLeavingOrConfusingTheArchive_IsRefused(string path)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _archive.WriteAsync(path, "{}\n"u8.ToArray(), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => _archive.ReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task List_AfterWrites_ReturnsArchivePathsWithoutTemporaryFiles()
    {
        await _archive.WriteAsync("2025/01/31/13/b2.ndjson", "2\n"u8.ToArray(), CancellationToken.None);
        await _archive.WriteAsync("2025/01/31/12/b1.ndjson", "1\n"u8.ToArray(), CancellationToken.None);
        await _archive.WriteAsync("2025/01/31/12/b1.ndjson", "1 again\n"u8.ToArray(), CancellationToken.None);
        await _archive.WriteAsync("2025/02/01/00/b3.ndjson", "3\n"u8.ToArray(), CancellationToken.None);

        Assert.Equal(new[] { "2025/01/31/12/b1.ndjson", "2025/01/31/13/b2.ndjson", "2025/02/01/00/b3.ndjson" }, _archive.List());
        Assert.Equal(new[] { "2025/01/31/12/b1.ndjson", "2025/01/31/13/b2.ndjson" }, _archive.List("2025/01/31/"));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_scratch.DataDirectory, "raw-events", "2025", "01", "31", "12")));
    }

    [Fact]
    public void List_NothingWritten_ReturnsEmpty() => Assert.Empty(_archive.List());
}
