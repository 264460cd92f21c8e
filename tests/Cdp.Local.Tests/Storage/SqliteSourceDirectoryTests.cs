using System.Text;
using Cdp.Local.Ingestion;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Local.Tests.Storage;

public sealed class SqliteSourceDirectoryTests : IDisposable
{
    private readonly ScratchDatabase _scratch = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task EnsureDefaultSourceAsync_FirstStart_ReturnsKeyThatAuthenticates()
    {
        var sources = new SqliteSourceDirectory(_scratch.Database, _time);

        var (source, key) = await sources.EnsureDefaultSourceAsync(CancellationToken.None);

        Assert.Equal("default", source.Name);
        Assert.False(string.IsNullOrEmpty(key));
        Assert.Equal(source, await sources.FindByWriteKeyAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task EnsureDefaultSourceAsync_AfterRestart_ReturnsSameSourceWithoutKey()
    {
        var (first, key) = await new SqliteSourceDirectory(_scratch.Database, _time).EnsureDefaultSourceAsync(CancellationToken.None);

        var restarted = new SqliteSourceDirectory(_scratch.Reopen(), _time);
        var (again, newKey) = await restarted.EnsureDefaultSourceAsync(CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Null(newKey);
        Assert.Equal(first, await restarted.FindByWriteKeyAsync(key!, CancellationToken.None));
        Assert.Equal(first, await restarted.FindByNameAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task EnsureDefaultSourceAsync_ConcurrentStarts_CreateOneSource()
    {
        var sources = new SqliteSourceDirectory(_scratch.Database, _time);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => sources.EnsureDefaultSourceAsync(CancellationToken.None))));

        Assert.Single(results, r => r.NewWriteKey is not null);
        Assert.Single(results.Select(r => r.Source).Distinct());
    }

    [Fact]
    public async Task FindByWriteKeyAsync_UnknownKey_ReturnsNull()
    {
        var sources = new SqliteSourceDirectory(_scratch.Database, _time);
        await sources.EnsureDefaultSourceAsync(CancellationToken.None);

        Assert.Null(await sources.FindByWriteKeyAsync("not-a-key", CancellationToken.None));
    }

    [Fact]
    public async Task AddSourceAsync_NewKey_ResolvesToThatSource()
    {
        var sources = new SqliteSourceDirectory(_scratch.Database, _time);

        var crm = await sources.AddSourceAsync("crm", "crm-key", CancellationToken.None);
        var web = await sources.AddSourceAsync("web", "web-key", CancellationToken.None);

        Assert.NotEqual(crm.Id, web.Id);
        Assert.Equal(crm, await sources.FindByWriteKeyAsync("crm-key", CancellationToken.None));
        Assert.Equal(web, await sources.FindByWriteKeyAsync("web-key", CancellationToken.None));
    }

    [Fact]
    public async Task AddSourceAsync_KeyAlreadyUsed_ThrowsAndKeepsFirstOwner()
    {
        var sources = new SqliteSourceDirectory(_scratch.Database, _time);
        var crm = await sources.AddSourceAsync("crm", "shared-key", CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => sources.AddSourceAsync("web", "shared-key", CancellationToken.None));

        Assert.Equal(crm, await sources.FindByWriteKeyAsync("shared-key", CancellationToken.None));
    }

    [Fact]
    public async Task WriteKeys_Stored_NeverAppearInTheDataFiles()
    {
        var sources = new SqliteSourceDirectory(_scratch.Database, _time);
        var (_, key) = await sources.EnsureDefaultSourceAsync(CancellationToken.None);
        await sources.AddSourceAsync("crm", "crm-secret-key-123", CancellationToken.None);

        _scratch.Close();

        foreach (var file in Directory.EnumerateFiles(_scratch.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(key!, text, StringComparison.Ordinal);
            Assert.DoesNotContain("crm-secret-key-123", text, StringComparison.Ordinal);
        }
    }
}
