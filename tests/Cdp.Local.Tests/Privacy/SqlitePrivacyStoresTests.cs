using Cdp.Core;
using Cdp.Core.Privacy;
using Cdp.Local.Privacy;
using Microsoft.Data.Sqlite;

namespace Cdp.Local.Tests.Privacy;

public sealed class SqlitePrivacyStoresTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly PrivacyDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task RequestStore_WritesWithETags_StaleWriterAndDuplicateIdConflict()
    {
        var store = new SqlitePrivacyRequestStore(_db.Database);
        var etag = await store.CreateAsync(Request("a", T0), None);

        var next = await store.ReplaceAsync(Request("a", T0) with { Status = PrivacyRequestStatuses.InProgress }, etag, None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CreateAsync(Request("a", T0), None));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.ReplaceAsync(Request("a", T0), etag, None));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.ReplaceAsync(Request("missing", T0), etag, None));
        var read = await new SqlitePrivacyRequestStore(_db.Reopen()).GetAsync("a", None);
        Assert.Equal((PrivacyRequestStatuses.InProgress, next), (read!.Value.Value.Status, read.Value.ETag));
        Assert.Equal(Request("a", T0).SubjectIdentities, read.Value.Value.SubjectIdentities);
    }

    [Fact]
    public async Task RequestStore_FindUnfinishedByHash_FindsPendingOrRunningOnly()
    {
        var store = new SqlitePrivacyRequestStore(_db.Database);
        var etag = await store.CreateAsync(Request("a", T0, hash: "h1"), None);
        await store.CreateAsync(Request("b", T0, hash: "h2") with { Status = PrivacyRequestStatuses.Cancelled }, None);

        Assert.Equal("a", (await store.FindUnfinishedByHashAsync("h1", None))?.Id);
        Assert.Null(await store.FindUnfinishedByHashAsync("h2", None));

        await store.ReplaceAsync(Request("a", T0, hash: "h1").WithoutSubject() with { Status = PrivacyRequestStatuses.Completed }, etag, None);
        Assert.Null(await store.FindUnfinishedByHashAsync("h1", None));
    }

    [Fact]
    public async Task RequestStore_ListInPages_NewestReceivedFirstEachOnce()
    {
        var store = new SqlitePrivacyRequestStore(_db.Database);
        foreach (var (id, minutes) in new[] { ("b", 1), ("a", 3), ("c", 3), ("d", 2), ("e", 0) })
        {
            await store.CreateAsync(Request(id, T0.AddMinutes(minutes)), None);
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(2, token, None);
            Assert.InRange(page.Requests.Count, 1, 2);
            seen.AddRange(page.Requests.Select(r => r.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(["a", "c", "d", "b", "e"], seen);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(2, "not-a-token", None));
    }

    [Fact]
    public async Task SuppressionList_AddFindListRemove_KeyedEntriesKeepTheirFirstRequest()
    {
        var list = new SqliteSuppressionList(_db.Database);
        await list.AddAsync([new("email:k1", "r1", T0), new("userId:k2", "r1", T0)], None);
        await list.AddAsync([new("email:k1", "r2", T0.AddDays(1)), new("phone:k3", "r2", T0)], None);

        var found = await list.FindAsync(["email:k1", "deviceId:nobody", "email:k1"], None);

        Assert.Equal([new SuppressionEntry("email:k1", "r1", T0)], found);
        Assert.Equal(["email:k1", "userId:k2"], (await list.ListByRequestAsync("r1", None)).Select(e => e.Key));
        Assert.Equal(3, list.Count());
        Assert.Equal(2, await list.RemoveAsync(["email:k1", "userId:k2", "not:listed"], None));
        Assert.Equal(["phone:k3"], (await list.FindAsync(["email:k1", "userId:k2", "phone:k3"], None)).Select(e => e.Key));
    }

    [Fact]
    public async Task AuditLog_SameIdTwiceAndTampering_KeptOnceAndRefused()
    {
        var audit = new SqlitePrivacyAuditLog(_db.Database);
        await audit.AppendAsync(new PrivacyAuditEntry("r1/submitted", T0, "r1", "submitted", "key-a", PrivacyAuditOutcomes.Succeeded), None);
        await audit.AppendAsync(new PrivacyAuditEntry("r1/submitted", T0.AddHours(1), "r1", "submitted", "key-b", PrivacyAuditOutcomes.Failed), None);
        await audit.AppendAsync(new PrivacyAuditEntry("r1/1/started", T0, "r1", "started", "workflow", PrivacyAuditOutcomes.Succeeded, "attempt 1"), None);

        var entries = await audit.ListAsync("r1", None);

        Assert.Equal([("submitted", "key-a"), ("started", "workflow")], entries.Select(e => (e.Action, e.ActorId)));
        var update = Assert.ThrowsAsync<SqliteException>(() => _db.Database.WriteAsync(s => s.Command("UPDATE privacy_audit SET request_id = 'x'").ExecuteNonQuery(), None));
        var delete = Assert.ThrowsAsync<SqliteException>(() => _db.Database.WriteAsync(s => s.Command("DELETE FROM privacy_audit").ExecuteNonQuery(), None));
        Assert.Contains("append-only", (await update).Message, StringComparison.Ordinal);
        Assert.Contains("append-only", (await delete).Message, StringComparison.Ordinal);
        Assert.Equal(2, (await audit.ListAsync("r1", None)).Count);
    }

    [Fact]
    public async Task ExportLedger_RecordTwice_ReplacesAndListsByProfile()
    {
        var ledger = new SqliteExportLedger(_db.Database);
        var file = new DocumentRef(DocumentAreas.Exports, "x/p1.csv", "text/csv");
        await ledger.RecordAsync(new ExportRecord("x:p1", "p1", "crm", T0, file), None);
        await ledger.RecordAsync(new ExportRecord("y:p1", "p1", "ads", T0.AddMinutes(1)), None);
        await ledger.RecordAsync(new ExportRecord("x:p2", "p2", "crm", T0), None);
        await ledger.RecordAsync(new ExportRecord("x:p1", "p1", "crm", T0, file, "r9", T0.AddDays(1)), None);

        var records = await ledger.ListByProfileAsync("p1", None);

        Assert.Equal([new ExportRecord("x:p1", "p1", "crm", T0, file, "r9", T0.AddDays(1)), new ExportRecord("y:p1", "p1", "ads", T0.AddMinutes(1))], records);
    }

    [Fact]
    public async Task SuppressedEventCount_AddedInBatches_SumKeptAcrossRestarts()
    {
        await new SuppressedEventCount(_db.Database).AddAsync(2, None);
        await new SuppressedEventCount(_db.Database).AddAsync(0, None);
        await new SuppressedEventCount(_db.Database).AddAsync(3, None);

        Assert.Equal(5, new SuppressedEventCount(_db.Reopen()).Read());
    }

    [Fact]
    public async Task Checkpoint_AfterWrites_TruncatesTheWriteAheadLog()
    {
        await new SuppressedEventCount(_db.Database).AddAsync(2, None);
        var wal = Path.Combine(_db.DataDirectory, "cdp.db-wal");
        Assert.True(new FileInfo(wal).Length > 0);

        Assert.True(await _db.Database.CheckpointAsync(None));

        Assert.Equal(0, new FileInfo(wal).Length);
        Assert.Equal(2, new SuppressedEventCount(_db.Database).Read());
    }

    private static PrivacyRequest Request(string id, DateTimeOffset received, string hash = "hash") => new()
    {
        Id = id,
        Regulation = PrivacyRegulations.Gdpr,
        Type = PrivacyRequestTypes.Erasure,
        SuppressionMode = SuppressionModes.SuppressWithDelete,
        Status = PrivacyRequestStatuses.Pending,
        SubmittedTime = received,
        ReceivedTime = received,
        ExpectedCompletionTime = received.AddDays(30),
        RequestHash = hash,
        IdentityTypes = ["email"],
        SubjectIdentities = [new SubjectIdentity("email", "someone@example.com")],
        ActorId = "local-compliance-key",
    };
}
