using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Segments;
using Cdp.Core.Profiles;
using Cdp.Local.Profiles;
using Cdp.Local.Segments;
using Cdp.Local.Storage;
using Cdp.Local.Tests.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Tests.Segments;

/// <summary>The SQLite segment store, members index and profile scan on a real database file.</summary>
public sealed class SqliteSegmentStoresTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);
    private readonly ScratchDatabase _scratch = new();
    private readonly SqliteDatabase _database;

    public SqliteSegmentStoresTests() =>
        _database = new SqliteDatabase(Options.Create(_scratch.Options), [SegmentsSchema.Script]);

    [Fact]
    public async Task SegmentStore_CreateReplaceWithETag_StaleETagConflictsAndDefinitionKeptAsGiven()
    {
        var store = new SqliteSegmentStore(_database);
        var etag = await store.CreateAsync(Segment("pro", """{"trait":"plan","op":"eq","value":"pro"}"""), default);

        await store.ReplaceAsync(Segment("pro", """{"consent":"marketing"}"""), etag, default);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.ReplaceAsync(Segment("pro", "{}"), etag, default));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CreateAsync(Segment("pro", "{}"), default));
        var read = await store.GetAsync("pro", default);
        Assert.Equal("marketing", read!.Value.Value.Definition.GetProperty("consent").GetString());
        Assert.Equal(["pro"], (await store.ListAsync(default)).Select(s => s.Key));
        Assert.True(await store.DeleteAsync("pro", default));
        Assert.False(await store.DeleteAsync("pro", default));
        Assert.Null(await store.GetAsync("pro", default));
    }

    [Fact]
    public async Task Members_UpsertPageCountAndRemove_FollowTheRowsWritten()
    {
        var members = new SqliteSegmentMembers(_database);
        foreach (var id in new[] { "p3", "p1", "p2" })
        {
            await members.UpsertAsync(new SegmentMember("pro", id, Now, 1), default);
        }

        await members.UpsertAsync(new SegmentMember("pro", "p1", Now.AddDays(1), 3), default);
        await members.UpsertAsync(new SegmentMember("vip", "p1", Now, 1), default);

        var first = await members.PageAsync("pro", 2, null, default);
        var second = await members.PageAsync("pro", 2, first.Continuation, default);
        Assert.Equal(["p1", "p2"], first.Members.Select(m => m.ProfileId));
        Assert.Equal((Now.AddDays(1), 3L), (first.Members[0].Since, first.Members[0].Seq));
        Assert.Equal(["p3"], second.Members.Select(m => m.ProfileId));
        Assert.Null(second.Continuation);
        Assert.Equal(3, await members.CountAsync("pro", default));
        Assert.Equal(["pro", "vip"], await members.SegmentsOfAsync("p1", default));
        Assert.Throws<ArgumentException>(() => members.PageAsync("pro", 2, "not-a-token", default).GetAwaiter().GetResult());

        await members.RemoveAsync("pro", "p2", default);
        await members.RemoveAsync("pro", "p2", default);
        await members.RemoveProfileAsync("p1", default);
        Assert.Equal(["p3"], (await members.PageAsync("pro", 10, null, default)).Members.Select(m => m.ProfileId));
        Assert.Empty(await members.SegmentsOfAsync("p1", default));
        await members.RemoveSegmentAsync("pro", default);
        Assert.Equal(0, await members.CountAsync("pro", default));
    }

    [Fact]
    public async Task Members_SegmentsOfAPage_OneListPerListedProfileAsEachAsksAlone()
    {
        var members = new SqliteSegmentMembers(_database);
        await members.UpsertAsync(new SegmentMember("vip", "p1", Now, 1), default);
        await members.UpsertAsync(new SegmentMember("pro", "p1", Now, 1), default);
        await members.UpsertAsync(new SegmentMember("pro", "p\"2", Now, 1), default);

        var listed = await members.SegmentsOfAsync(["p1", "p\"2", "p3"], default);

        Assert.Equal(["p\"2", "p1"], listed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["pro", "vip"], listed["p1"].Order(StringComparer.Ordinal));
        Assert.Equal(["pro"], listed["p\"2"]);
        Assert.Empty(await members.SegmentsOfAsync(Array.Empty<string>(), default));
    }

    [Fact]
    public async Task Scan_EveryShardPaged_EachProfileExactlyOnce()
    {
        var profiles = new SqliteProfileStore(_database);
        var ids = Enumerable.Range(0, 23).Select(i => $"p-{i:D2}").ToList();
        foreach (var id in ids)
        {
            await profiles.CreateAsync(new Profile { Id = id, CreatedAt = Now }, default);
        }

        var scan = new SqliteProfileScan(_database);
        var seen = new List<string>();
        foreach (var shard in await scan.ListShardsAsync(default))
        {
            string? continuation = null;
            do
            {
                var page = await scan.ReadAsync(shard, 4, continuation, default);
                seen.AddRange(page.ProfileIds);
                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        Assert.Equal(ids, seen.Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<ArgumentException>(() => scan.ReadAsync("7/2", 4, null, default));
        await Assert.ThrowsAsync<ArgumentException>(() => scan.ReadAsync("0/4", 4, "not-a-token", default));
    }

    public void Dispose()
    {
        _database.Dispose();
        _scratch.Dispose();
    }

    private static SegmentDocument Segment(string key, string definition) =>
        new(key, key, JsonDocument.Parse(definition).RootElement.Clone(), ["crm"], Now, Now);
}
