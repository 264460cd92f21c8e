using System.Text;
using System.Text.Json;
using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Tests.Privacy;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Consent;

/// <summary>
/// A person who changes their mind often: the profile document keeps only the newest changes, the consent API, merges,
/// access packages and erasure still see (or remove) every one.
/// </summary>
public sealed class ConsentHistoryArchiveTests
{
    private static readonly DateTimeOffset Now = TestOptions.Now;

    [Fact]
    public async Task Ingestion_200ChangesOfOnePerson_DocumentKeepsTheNewest50AndGetShowsAll200InOrder()
    {
        using var cdp = new CoreHarness();
        var changes = Changes("u1", "marketing", 200, Now.AddDays(-1));
        foreach (var chunk in changes.Chunk(20))
        {
            await cdp.ProcessAsync([.. chunk.Select(c => c.Event)]);
        }

        var stored = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(ConsentHistoryLimits.InDocument, stored.ConsentHistory.Count);
        Assert.Equal(changes.TakeLast(50).Select(c => c.Entry), stored.ConsentHistory);
        var view = (await Service(cdp).GetAsync(stored.Id, default)).View!;
        Assert.Equal(changes.Select(c => c.Entry), view.History);
        Assert.False(view.Purposes["marketing"].Granted);
    }

    [Fact]
    public async Task Ingestion_200ChangesInOneBatch_DocumentKeeps50AndNoneIsLost()
    {
        using var cdp = new CoreHarness();
        var changes = Changes("u1", "marketing", 200, Now.AddDays(-1));

        await cdp.ProcessAsync([.. changes.Select(c => c.Event)]);

        var stored = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(ConsentHistoryLimits.InDocument, stored.ConsentHistory.Count);
        Assert.Equal(changes.Select(c => c.Entry), (await Service(cdp).GetAsync(stored.Id, default)).View!.History);
    }

    [Fact]
    public async Task ConsentApi_60Updates_DocumentKeeps50AndEveryAnswerIsShown()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u1"));
        var id = (await cdp.ProfileAsync(IdentifierTypes.UserId, "u1")).Id;

        ConsentResult? last = null;
        for (var i = 0; i < 60; i++)
        {
            var at = Now.AddMinutes(-60 + i).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            last = await Service(cdp).UpdateAsync(id, Body($$"""{"source":"preference-center","purposes":{"sale_of_data":{{(i % 2 == 0 ? "true" : "false")}}},"timestamp":"{{at}}"}"""), default);
            Assert.Equal(ConsentStatus.Ok, last.Status);
        }

        Assert.Equal(ConsentHistoryLimits.InDocument, (await cdp.ProfileAsync(IdentifierTypes.UserId, "u1")).ConsentHistory.Count);
        Assert.Equal(60, last!.View!.History.Count);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => Now.AddMinutes(-60 + i)), last.View.History.Select(h => h.At));
        Assert.Equal(last.View.History, (await Service(cdp).GetAsync(id, default)).View!.History);
    }

    [Fact]
    public async Task Redelivery_BatchRetriedAfterCrashBetweenArchiveAndProfileWrite_EachChangeShownOnce()
    {
        var store = default(CrashingProfileStore);
        using var cdp = new CoreHarness().Decorate<IProfileStore>(inner => store = new CrashingProfileStore(inner));
        var changes = Changes("u1", "marketing", 80, Now.AddDays(-1));
        await cdp.ProcessAsync([.. changes.Take(60).Select(c => c.Event)]);
        var batch = cdp.Queue([.. changes.Skip(60).Select(c => c.Event)]);

        // The overflow is archived, then the profile write dies: the archive holds entries the stored document still has.
        store!.CrashOnNextReplace();
        await Assert.ThrowsAsync<SimulatedCrashException>(() => cdp.ProcessAsync(batch));
        await cdp.ProcessAsync(batch);

        var stored = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(ConsentHistoryLimits.InDocument, stored.ConsentHistory.Count);
        Assert.Equal(changes.Select(c => c.Entry), (await Service(cdp).GetAsync(stored.Id, default)).View!.History);
        Assert.Equal(30, cdp.Services.GetRequiredService<InMemoryConsentArchive>().Count);
    }

    [Fact]
    public async Task ConsentApi_RivalWriteAfterArchiving_RetriesWithoutDuplicatingAChange()
    {
        var store = default(RacingProfileStore);
        using var cdp = new CoreHarness().Decorate<IProfileStore>(inner => store = new RacingProfileStore(inner));
        var changes = Changes("u1", "marketing", 50, Now.AddDays(-1));
        await cdp.ProcessAsync([.. changes.Select(c => c.Event)]);
        var id = (await cdp.ProfileAsync(IdentifierTypes.UserId, "u1")).Id;
        store!.RivalWritesBeforeNextReplace(p => p);

        var result = await Service(cdp).UpdateAsync(id, Body("""{"purposes":{"marketing":true}}"""), default);

        Assert.Equal(1, store.Conflicts);
        Assert.Equal(51, result.View!.History.Count);
        Assert.Equal(51, result.View.History.Distinct().Count());
        Assert.Equal(result.View.History, (await Service(cdp).GetAsync(id, default)).View!.History);
    }

    [Fact]
    public async Task Merge_TwoProfilesWithLongHistories_SurvivorShowsBothWholeAndTheLosersArchiveIsGone()
    {
        using var cdp = new CoreHarness();
        var laptop = Changes(("anonymousId", "laptop"), "marketing", 80, Now.AddDays(-2));
        var account = Changes(("userId", "u1"), "analytics", 80, Now.AddDays(-1));
        await cdp.ProcessAsync([.. laptop.Select(c => c.Event)]);
        await cdp.ProcessAsync([.. account.Select(c => c.Event)]);
        var loserId = (await cdp.ProfileAsync(IdentifierTypes.AnonymousId, "laptop")).Id;
        await cdp.ProcessAsync(EventBuilder.Track("Logged in").UserId("u1").AnonymousId("laptop").MessageId("link").Timestamp(Now.AddMinutes(-1)));

        await cdp.RunMergesAsync();

        var live = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.NotEqual(loserId, live.Id);
        Assert.Equal(live.Id, (await cdp.ProfileAsync(IdentifierTypes.AnonymousId, "laptop")).Id);
        Assert.True(live.ConsentHistory.Count <= ConsentHistoryLimits.InDocument);
        var history = (await Service(cdp).GetAsync(live.Id, default)).View!.History;
        Assert.Equal(laptop.Concat(account).Select(c => c.Entry), history);
        var archive = cdp.Services.GetRequiredService<InMemoryConsentArchive>();
        Assert.Empty(await archive.ListAsync(loserId, CancellationToken.None));
    }

    [Fact]
    public async Task Access_LongHistory_PackageHoldsEveryChangeOldestFirst()
    {
        using var privacy = new PrivacyHarness();
        var changes = Changes("jane", "marketing", 120, Now.AddDays(-1));
        await privacy.Core.ProcessAsync([.. changes.Select(c => c.Event)]);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Access(("userId", "jane")));

        var bytes = (await privacy.Requests.ReadResultsAsync(request.Id, null, CancellationToken.None))!.Content;
        var package = JsonSerializer.Deserialize(bytes, PrivacyJsonContext.Default.AccessPackage)!;
        Assert.Equal(changes.Select(c => c.Entry), Assert.Single(package.Consent).History);
    }

    [Fact]
    public async Task Erasure_MergedPersonWithLongHistories_NoArchivedChangeRemainsAndTheCertificateCountsThem()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        await cdp.ProcessAsync([.. Changes(("anonymousId", "phone"), "marketing", 70, Now.AddDays(-2)).Select(c => c.Event)]);
        await cdp.ProcessAsync([.. Changes(("userId", "jane"), "analytics", 70, Now.AddDays(-1)).Select(c => c.Event)]);
        await cdp.ProcessAsync(EventBuilder.Track("Logged in").UserId("jane").AnonymousId("phone").MessageId("link").Timestamp(Now.AddMinutes(-1)));
        await cdp.RunMergesAsync();
        await cdp.ProcessAsync([.. Changes(("userId", "bob"), "marketing", 60, Now.AddDays(-1)).Select(c => c.Event)]);
        var archive = cdp.Services.GetRequiredService<InMemoryConsentArchive>();
        Assert.Equal(140 - 50 + 10, archive.Count);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("userId", "jane")));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        Assert.Equal(10, archive.Count);
        var bob = await cdp.ProfileAsync(IdentifierTypes.UserId, "bob");
        Assert.Equal(10, (await archive.ListAsync(bob.Id, CancellationToken.None)).Count);
        var certificate = JsonSerializer.Deserialize(
            (await privacy.Documents.ReadAsync(DocumentAreas.Certificates, request.Id + ".json", CancellationToken.None))!,
            PrivacyJsonContext.Default.ErasureCertificate)!;
        Assert.Equal(90, certificate.Counts[PrivacyStores.ConsentHistory]);
        Assert.Equal(0, certificate.Verification.Traces[PrivacyStores.ConsentHistory]);
    }

    [Fact]
    public async Task VerifyErasure_ArchivedChangeLeftBehind_ReportsItAsATrace()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        await cdp.ProcessAsync([.. Changes("jane", "marketing", 3, Now.AddDays(-1)).Select(c => c.Event)]);
        var janeId = (await cdp.ProfileAsync(IdentifierTypes.UserId, "jane")).Id;
        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("userId", "jane")).Mode(SuppressionModes.DeleteOnly));
        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        await privacy.Store.ReplaceAsync(request with { ProfileIds = [janeId] },
            (await privacy.Store.GetAsync(request.Id, CancellationToken.None))!.Value.ETag, CancellationToken.None);

        // A write that raced the erasure left one archived change under the erased id.
        await privacy.Get<IConsentArchive>().AppendAsync(janeId, [new ConsentHistoryEntry("marketing", false, Now, "web", "late")], CancellationToken.None);

        var verification = await privacy.Get<VerifyErasureActivity>().RunAsync(new PrivacyWorkflowInput(request.Id, request.Attempt), CancellationToken.None);
        Assert.False(verification.Clean);
        Assert.Equal(1, verification.Traces[PrivacyStores.ConsentHistory]);
    }

    private static ConsentService Service(CoreHarness cdp) => cdp.Services.GetRequiredService<ConsentService>();

    private static ReadOnlyMemory<byte> Body(string json) => Encoding.UTF8.GetBytes(json);

    private static List<(EventBuilder Event, ConsentHistoryEntry Entry)> Changes(string userId, string purpose, int count, DateTimeOffset from) =>
        Changes(("userId", userId), purpose, count, from);

    /// <summary><paramref name="count"/> events, a minute apart, each flipping <paramref name="purpose"/> (granted first).</summary>
    private static List<(EventBuilder Event, ConsentHistoryEntry Entry)> Changes(
        (string Type, string Value) person, string purpose, int count, DateTimeOffset from) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var (messageId, at, granted) = ($"{person.Value}-{i}", from.AddMinutes(i), i % 2 == 0);
            var e = EventBuilder.Page().With(person.Type, person.Value).MessageId(messageId).Timestamp(at).Preferences((purpose, granted));
            return (e, new ConsentHistoryEntry(purpose, granted, at, CoreHarness.SourceId, messageId));
        }).ToList();
}

/// <summary>A profile store whose next replace "kills the process" before it reaches the store.</summary>
internal sealed class CrashingProfileStore(IProfileStore inner) : IProfileStore
{
    private int _crashes;

    public void CrashOnNextReplace() => Interlocked.Increment(ref _crashes);

    public Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken) => inner.CreateAsync(profile, cancellationToken);

    public Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _crashes, 0) > 0 ? throw new SimulatedCrashException() : inner.ReplaceAsync(profile, etag, cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);
}
