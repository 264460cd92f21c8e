using Cdp.Local.Ingestion;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Local.Tests.Storage;

public sealed class SqliteDedupStoreTests : IDisposable
{
    private readonly ScratchDatabase _scratch = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task MarkProcessedAsync_ExpiredEntriesExist_DeletesThemSoTheTableStopsGrowing()
    {
        var store = new SqliteDedupStore(_scratch.Database, _time);
        var old = Enumerable.Range(0, 100).Select(i => $"m-old-{i}").ToList();
        await store.MarkProcessedAsync(old, _time.GetUtcNow().AddHours(1), CancellationToken.None);

        _time.Advance(TimeSpan.FromHours(2));
        await store.MarkProcessedAsync(["m-new"], _time.GetUtcNow().AddHours(48), CancellationToken.None);

        Assert.Equal(1L, StoredRows());
        Assert.Equal(new[] { "m-new" }, await store.FindProcessedAsync([.. old, "m-new"], CancellationToken.None));
    }

    [Fact]
    public async Task MarkProcessedAsync_UnexpiredEntries_AreKept()
    {
        var store = new SqliteDedupStore(_scratch.Database, _time);
        await store.MarkProcessedAsync(["m-1", "m-2"], _time.GetUtcNow().AddHours(48), CancellationToken.None);

        _time.Advance(TimeSpan.FromHours(2));
        await store.MarkProcessedAsync(["m-3"], _time.GetUtcNow().AddHours(48), CancellationToken.None);

        Assert.Equal(3L, StoredRows());
    }

    private long StoredRows() => _scratch.Database.Read(session => (long)session.Command("SELECT count(*) FROM dedup").ExecuteScalar()!);
}
