using Cdp.Core;
using Cdp.Core.Privacy;

namespace Cdp.Tests.Contract;

/// <summary>
/// What every implementation of the privacy ports must do. Subclass once per implementation (in-memory here; SQLite and
/// Cosmos/Blob in their test projects; these files can move to tests/Shared/Contract for that).
/// </summary>
public abstract class PrivacyRequestStoreContract
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract IPrivacyRequestStore CreateStore();

    [Fact]
    public async Task CreateAsync_ThenGet_ReturnsTheRequestWithEveryField()
    {
        var store = CreateStore();
        var request = NewRequest(Guid.NewGuid().ToString("D"), Epoch) with
        {
            SuppressionMode = SuppressionModes.SuppressOnly,
            LinkedIdentities = [new SubjectIdentity("userId", "u-1")],
            ProfileIds = ["p-1"],
            RawBlobs = ["2025/01/01/00/b.ndjson"],
            StatusCallbackUrls = ["https://dsr.example.com/cb"],
            Results = [new DocumentRef(DocumentAreas.Certificates, "x.json", "application/json")],
            Error = "boom",
            Attempt = 2,
        };

        var etag = await store.CreateAsync(request, CancellationToken.None);
        var read = await store.GetAsync(request.Id, CancellationToken.None);

        Assert.Equal(etag, read!.Value.ETag);
        Assert.Equal(Json(request), Json(read.Value.Value));
    }

    [Fact]
    public async Task CreateAsync_ExistingId_Conflicts()
    {
        var store = CreateStore();
        var request = NewRequest(Guid.NewGuid().ToString("D"), Epoch);
        await store.CreateAsync(request, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CreateAsync(request, CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceAsync_StaleETag_Conflicts()
    {
        var store = CreateStore();
        var request = NewRequest(Guid.NewGuid().ToString("D"), Epoch);
        var etag = await store.CreateAsync(request, CancellationToken.None);
        await store.ReplaceAsync(request with { Status = PrivacyRequestStatuses.InProgress }, etag, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => store.ReplaceAsync(request with { Status = PrivacyRequestStatuses.Cancelled }, etag, CancellationToken.None));
        Assert.Equal(PrivacyRequestStatuses.InProgress, (await store.GetAsync(request.Id, CancellationToken.None))!.Value.Value.Status);
    }

    [Fact]
    public async Task FindUnfinishedByHashAsync_FindsPendingOrInProgressOnly()
    {
        var store = CreateStore();
        var hash = Guid.NewGuid().ToString("N");
        var done = NewRequest(Guid.NewGuid().ToString("D"), Epoch) with { RequestHash = hash, Status = PrivacyRequestStatuses.Completed };
        await store.CreateAsync(done, CancellationToken.None);
        Assert.Null(await store.FindUnfinishedByHashAsync(hash, CancellationToken.None));

        var running = NewRequest(Guid.NewGuid().ToString("D"), Epoch) with { RequestHash = hash, Status = PrivacyRequestStatuses.InProgress };
        await store.CreateAsync(running, CancellationToken.None);

        Assert.Equal(running.Id, (await store.FindUnfinishedByHashAsync(hash, CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task ListAsync_Pages_NewestFirstEachOnce()
    {
        var store = CreateStore();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var request = NewRequest(Guid.NewGuid().ToString("D"), Epoch.AddYears(50).AddMinutes(i));
            await store.CreateAsync(request, CancellationToken.None);
            ids.Add(request.Id);
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(2, token, CancellationToken.None);
            Assert.True(page.Requests.Count <= 2);
            seen.AddRange(page.Requests.Select(r => r.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        // A shared store may hold others' requests too: ours come first (newest) and in order.
        Assert.Equal(Enumerable.Reverse(ids), seen.Take(5));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    private static PrivacyRequest NewRequest(string id, DateTimeOffset received) => new()
    {
        Id = id,
        Regulation = PrivacyRegulations.Gdpr,
        Type = PrivacyRequestTypes.Erasure,
        Status = PrivacyRequestStatuses.Pending,
        SubmittedTime = received.AddDays(-1),
        ReceivedTime = received,
        ExpectedCompletionTime = received.AddDays(30),
        RequestHash = Guid.NewGuid().ToString("N"),
        IdentityTypes = ["email"],
        SubjectIdentities = [new SubjectIdentity("email", "jane@example.com")],
        ActorId = "client-1",
    };

    private static string Json(PrivacyRequest request) =>
        System.Text.Json.JsonSerializer.Serialize(request, PrivacyJsonContext.Default.PrivacyRequest);
}

public abstract class SuppressionListContract
{
    protected abstract ISuppressionList CreateList();

    [Fact]
    public async Task AddAsync_ThenFind_ReturnsOnlyListedKeysAndFirstEntryWins()
    {
        var list = CreateList();
        var key = "email:" + Guid.NewGuid().ToString("N");
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await list.AddAsync([new SuppressionEntry(key, "r-1", at)], CancellationToken.None);
        await list.AddAsync([new SuppressionEntry(key, "r-2", at.AddDays(1))], CancellationToken.None);

        var found = await list.FindAsync([key, "email:unlisted"], CancellationToken.None);

        Assert.Equal(new SuppressionEntry(key, "r-1", at), Assert.Single(found));
    }

    [Fact]
    public async Task RemoveAsync_ListedAndUnlisted_RemovesListedAndCountsThem()
    {
        var list = CreateList();
        var requestId = Guid.NewGuid().ToString("D");
        string[] keys = ["userId:" + Guid.NewGuid().ToString("N"), "email:" + Guid.NewGuid().ToString("N")];
        await list.AddAsync(keys.Select(k => new SuppressionEntry(k, requestId, default)).ToList(), CancellationToken.None);
        Assert.Equal(2, (await list.ListByRequestAsync(requestId, CancellationToken.None)).Count);

        Assert.Equal(2, await list.RemoveAsync([.. keys, "phone:none"], CancellationToken.None));

        Assert.Empty(await list.FindAsync(keys, CancellationToken.None));
        Assert.Equal(0, await list.RemoveAsync(keys, CancellationToken.None));
    }
}

public abstract class PrivacyAuditLogContract
{
    protected abstract IPrivacyAuditLog CreateLog();

    [Fact]
    public async Task AppendAsync_SameIdTwice_KeepsTheFirstOnly()
    {
        var log = CreateLog();
        var requestId = Guid.NewGuid().ToString("D");
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await log.AppendAsync(new PrivacyAuditEntry(requestId + "/submitted", at, requestId, "submitted", "client-1", "succeeded"), CancellationToken.None);
        await log.AppendAsync(new PrivacyAuditEntry(requestId + "/submitted", at.AddHours(1), requestId, "submitted", "client-2", "succeeded"),
            CancellationToken.None);
        await log.AppendAsync(new PrivacyAuditEntry(requestId + "/1/started", at.AddHours(2), requestId, "started", "workflow", "succeeded"),
            CancellationToken.None);

        var entries = await log.ListAsync(requestId, CancellationToken.None);

        Assert.Equal(["client-1", "workflow"], entries.Select(e => e.ActorId));
    }
}

public abstract class DocumentAreaContract
{
    protected abstract IDocumentArea CreateArea();

    [Fact]
    public async Task WriteReadListDelete_RoundTrip()
    {
        var area = CreateArea();
        var prefix = Guid.NewGuid().ToString("N") + "/";
        await area.WriteAsync(DocumentAreas.Exports, prefix + "b.csv", "b\n"u8.ToArray(), "text/csv", CancellationToken.None);
        await area.WriteAsync(DocumentAreas.Exports, prefix + "a.csv", "a\n"u8.ToArray(), "text/csv", CancellationToken.None);
        await area.WriteAsync(DocumentAreas.Certificates, prefix + "a.csv", "other area\n"u8.ToArray(), "text/csv", CancellationToken.None);

        Assert.Equal("a\n"u8.ToArray(), await area.ReadAsync(DocumentAreas.Exports, prefix + "a.csv", CancellationToken.None));
        Assert.Equal([prefix + "a.csv", prefix + "b.csv"], await area.ListAsync(DocumentAreas.Exports, prefix, CancellationToken.None));
        Assert.True(await area.DeleteAsync(DocumentAreas.Exports, prefix + "a.csv", CancellationToken.None));
        Assert.False(await area.DeleteAsync(DocumentAreas.Exports, prefix + "a.csv", CancellationToken.None));
        Assert.Null(await area.ReadAsync(DocumentAreas.Exports, prefix + "a.csv", CancellationToken.None));
        Assert.NotNull(await area.ReadAsync(DocumentAreas.Certificates, prefix + "a.csv", CancellationToken.None));
    }
}

public abstract class ExportLedgerContract
{
    protected abstract IExportLedger CreateLedger();

    [Fact]
    public async Task RecordAsync_SameIdAgain_ReplacesAndListsByProfile()
    {
        var ledger = CreateLedger();
        var profileId = "p-" + Guid.NewGuid().ToString("N");
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var record = new ExportRecord("x1:" + profileId, profileId, "mailchimp", at, new DocumentRef(DocumentAreas.Exports, "x1.csv", "text/csv"));
        await ledger.RecordAsync(record, CancellationToken.None);
        await ledger.RecordAsync(record with { ErasureRequestId = "r-1", FlaggedAt = at.AddDays(1) }, CancellationToken.None);
        await ledger.RecordAsync(new ExportRecord("x1:other", "p-other", "mailchimp", at), CancellationToken.None);

        var listed = Assert.Single(await ledger.ListByProfileAsync(profileId, CancellationToken.None));

        Assert.Equal(record with { ErasureRequestId = "r-1", FlaggedAt = at.AddDays(1) }, listed);
    }
}
