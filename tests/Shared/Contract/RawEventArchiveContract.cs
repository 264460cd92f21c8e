using System.Text;
using Cdp.Core.Ingestion;
using static Cdp.Tests.Contract.ContractData;

namespace Cdp.Tests.Contract;

/// <summary>What every <see cref="IRawEventArchive"/> must do. Subclass it once per implementation.</summary>
public abstract class RawEventArchiveContract
{
    protected abstract IRawEventArchive CreateArchive();

    [Fact]
    public async Task ReadAsync_MissingFile_ReturnsNull()
    {
        var archive = CreateArchive();

        Assert.Null(await archive.ReadAsync(RawArchivePath.For(Epoch, NewId("b")), CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_NewFile_ReadReturnsSameBytes()
    {
        var archive = CreateArchive();
        var path = RawArchivePath.For(Epoch, NewId("b"));
        var ndjson = Encoding.UTF8.GetBytes("{\"messageId\":\"m-1\"}\n{\"messageId\":\"m-2\",\"name\":\"Zoë\"}\n");

        await archive.WriteAsync(path, ndjson, CancellationToken.None);

        Assert.Equal(ndjson, await archive.ReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_ExistingFile_Overwrites()
    {
        var archive = CreateArchive();
        var path = RawArchivePath.For(Epoch, NewId("b"));
        await archive.WriteAsync(path, Encoding.UTF8.GetBytes("{\"messageId\":\"m-1\"}\n{\"messageId\":\"m-2\"}\n"), CancellationToken.None);

        // Erasure rewrites a file without the subject's lines; the result may be shorter or empty.
        var rewritten = Encoding.UTF8.GetBytes("{\"messageId\":\"m-2\"}\n");
        await archive.WriteAsync(path, rewritten, CancellationToken.None);

        Assert.Equal(rewritten, await archive.ReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_EmptyContent_ReadReturnsEmptyNotNull()
    {
        var archive = CreateArchive();
        var path = RawArchivePath.For(Epoch, NewId("b"));

        await archive.WriteAsync(path, ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        Assert.Equal(Array.Empty<byte>(), await archive.ReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_TwoPathsInSameHour_KeepsBoth()
    {
        var archive = CreateArchive();
        var first = RawArchivePath.For(Epoch, NewId("b"));
        var second = RawArchivePath.For(Epoch.AddMinutes(10), NewId("b"));

        await archive.WriteAsync(first, "1\n"u8.ToArray(), CancellationToken.None);
        await archive.WriteAsync(second, "2\n"u8.ToArray(), CancellationToken.None);

        Assert.Equal("1\n"u8.ToArray(), await archive.ReadAsync(first, CancellationToken.None));
        Assert.Equal("2\n"u8.ToArray(), await archive.ReadAsync(second, CancellationToken.None));
    }
}
