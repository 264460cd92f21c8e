using Cdp.Core;
using Cdp.Core.Profiles;
using CsCheck;
using static Cdp.Tests.Contract.ContractData;

namespace Cdp.Tests.Contract;

/// <summary>What every <see cref="ITimelineStore"/> must do. Subclass it once per implementation.</summary>
public abstract class TimelineStoreContract
{
    /// <summary>A store for this test; every test uses fresh profile ids, so it may be shared or empty.</summary>
    protected abstract ITimelineStore CreateStore();

    [Fact]
    public async Task GetPageAsync_UnknownProfile_ReturnsEmptyPageWithoutToken()
    {
        var store = CreateStore();

        var page = await store.GetPageAsync(NewId("p-"), 10, null, CancellationToken.None);

        Assert.Empty(page.Events);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task AppendAsync_EventWritten_ReadBackUnchanged()
    {
        var store = CreateStore();
        var profileId = NewId("p-");
        var e = Event(profileId, "m-1", Epoch) with
        {
            Properties = new() { ["revenue"] = Json("19.99"), ["items"] = Json("[{\"sku\":\"A\"}]") },
            Context = new() { ["page"] = Json("{\"path\":\"/checkout\"}") },
        };

        await store.AppendAsync(profileId, [e], null, CancellationToken.None);

        var page = await store.GetPageAsync(profileId, 10, null, CancellationToken.None);
        AssertSameDocument(e, Assert.Single(page.Events), CdpJsonContext.Default.TimelineEvent);
    }

    [Fact]
    public async Task AppendAsync_SameEventIdAgain_ChangesNothing()
    {
        var store = CreateStore();
        var profileId = NewId("p-");
        await store.AppendAsync(profileId, [Event(profileId, "m-1", Epoch)], null, CancellationToken.None);

        // A redelivery, even one whose body was rewritten, must neither add an event nor rewrite the first. It keeps
        // the timestamp: intake stamps an event once and the queued copy carries it; a merge moves events as stored.
        // (Stores may key on the id alone or on (timestamp, id): the embedded host's one index does the latter.)
        await store.AppendAsync(profileId, [Event(profileId, "m-1", Epoch) with { Name = "Changed" }], null, CancellationToken.None);

        var page = await store.GetPageAsync(profileId, 10, null, CancellationToken.None);
        var only = Assert.Single(page.Events);
        Assert.Equal("Order Completed", only.Name);
        Assert.Equal(Epoch, only.Timestamp);
    }

    [Fact]
    public async Task DeleteAllAsync_OneProfile_RemovesItsEventsOnlyAndMayRepeat()
    {
        var store = CreateStore();
        var gone = NewId("p-");
        var kept = NewId("p-");
        await store.AppendAsync(gone, [Event(gone, "m-1", Epoch), Event(gone, "m-2", Epoch)], null, CancellationToken.None);
        await store.AppendAsync(kept, [Event(kept, "m-1", Epoch)], null, CancellationToken.None);

        await store.DeleteAllAsync(gone, CancellationToken.None);
        await store.DeleteAllAsync(gone, CancellationToken.None);

        Assert.Empty((await store.GetPageAsync(gone, 10, null, CancellationToken.None)).Events);
        Assert.Single((await store.GetPageAsync(kept, 10, null, CancellationToken.None)).Events);
    }

    [Fact]
    public async Task AppendAsync_SameEventIdOnTwoProfiles_KeepsOneOnEach()
    {
        var store = CreateStore();
        var first = NewId("p-");
        var second = NewId("p-");

        await store.AppendAsync(first, [Event(first, "m-1", Epoch)], null, CancellationToken.None);
        await store.AppendAsync(second, [Event(second, "m-1", Epoch), Event(second, "m-2", Epoch)], null, CancellationToken.None);

        Assert.Single((await store.GetPageAsync(first, 10, null, CancellationToken.None)).Events);
        Assert.Equal(2, (await store.GetPageAsync(second, 10, null, CancellationToken.None)).Events.Count);
    }

    [Fact]
    public async Task GetPageAsync_OnePage_NewestFirstThenIdDescending()
    {
        var store = CreateStore();
        var profileId = NewId("p-");
        await store.AppendAsync(profileId,
        [
            Event(profileId, "m-a", Epoch),
            Event(profileId, "m-c", Epoch.AddMinutes(1)),
            Event(profileId, "m-b", Epoch.AddMinutes(1)),
            Event(profileId, "m-d", Epoch.AddMinutes(-1)),
        ], null, CancellationToken.None);

        var page = await store.GetPageAsync(profileId, 10, null, CancellationToken.None);

        Assert.Equal(new[] { "m-c", "m-b", "m-a", "m-d" }, page.Events.Select(e => e.Id));
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task GetPageAsync_FollowingTokens_ReturnsEveryEventOnceNewestFirst()
    {
        var store = CreateStore();

        // Minutes from a small range force many equal timestamps, where only the id orders the events.
        var gen = Gen.Select(Gen.Int[0, 4].Array[0, 25], Gen.Int[1, 6]);
        await gen.SampleAsync(async (minutes, pageSize) =>
        {
            var profileId = NewId("p-");
            var events = minutes.Select((m, i) => Event(profileId, $"m-{i:D2}", Epoch.AddMinutes(m))).ToList();
            await store.AppendAsync(profileId, events, null, CancellationToken.None);

            var read = new List<TimelineEvent>();
            string? token = null;
            var pages = 0;
            do
            {
                var page = await store.GetPageAsync(profileId, pageSize, token, CancellationToken.None);
                Assert.True(page.Events.Count <= pageSize, "a page is never larger than asked");
                read.AddRange(page.Events);
                token = page.ContinuationToken;
                Assert.True(++pages <= events.Count + 2, "paging must end");
            }
            while (token is not null);

            var expected = events
                .OrderByDescending(e => e.Timestamp)
                .ThenByDescending(e => e.Id, StringComparer.Ordinal)
                .Select(e => e.Id);
            Assert.Equal(expected, read.Select(e => e.Id));
        }, iter: 40);
    }

    [Fact]
    public async Task GetPageAsync_TokenNotIssuedByStore_ThrowsArgumentException()
    {
        var store = CreateStore();
        var profileId = NewId("p-");
        await store.AppendAsync(profileId, [Event(profileId, "m-1", Epoch)], null, CancellationToken.None);

        // A client can send anything back as a token; the host turns this into a 400, not a 500.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetPageAsync(profileId, 10, "not a token!", CancellationToken.None));
    }

    [Fact]
    public async Task ListRawBlobsAsync_UnknownProfile_ListsNothing()
    {
        var store = CreateStore();

        Assert.Empty(await store.ListRawBlobsAsync(NewId("p-"), CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_WithRawBlob_ListsItBesideTheEvents()
    {
        var store = CreateStore();
        var profileId = NewId("p-");

        await store.AppendAsync(profileId, [Event(profileId, "m-1", Epoch)], "2025/01/31/12/b2.ndjson", CancellationToken.None);
        await store.AppendAsync(profileId, [Event(profileId, "m-2", Epoch)], "2025/01/31/11/b1.ndjson", CancellationToken.None);

        Assert.Equal(["2025/01/31/11/b1.ndjson", "2025/01/31/12/b2.ndjson"], await store.ListRawBlobsAsync(profileId, CancellationToken.None));
        Assert.Equal(2, (await store.GetPageAsync(profileId, 10, null, CancellationToken.None)).Events.Count);
    }

    [Fact]
    public async Task AppendAsync_SameRawBlobAgain_ListsItOnce()
    {
        var store = CreateStore();
        var profileId = NewId("p-");
        const string blob = "2025/01/31/12/b1.ndjson";
        await store.AppendAsync(profileId, [Event(profileId, "m-1", Epoch)], blob, CancellationToken.None);

        // A redelivered batch: the same events and file again, then the file with no new event.
        await store.AppendAsync(profileId, [Event(profileId, "m-1", Epoch)], blob, CancellationToken.None);
        await store.AppendAsync(profileId, [], blob, CancellationToken.None);

        Assert.Equal([blob], await store.ListRawBlobsAsync(profileId, CancellationToken.None));
        Assert.Single((await store.GetPageAsync(profileId, 10, null, CancellationToken.None)).Events);
    }

    [Fact]
    public async Task AppendAsync_SameEventInAnotherFile_ListsBothFiles()
    {
        var store = CreateStore();
        var profileId = NewId("p-");
        await store.AppendAsync(profileId, [Event(profileId, "m-1", Epoch)], "2025/01/31/12/b1.ndjson", CancellationToken.None);

        // Redelivered in another grouping after a crash: the event lands in a second file, which erasure must rewrite too.
        await store.AppendAsync(profileId, [Event(profileId, "m-1", Epoch)], "2025/01/31/12/b2.ndjson", CancellationToken.None);

        Assert.Equal(["2025/01/31/12/b1.ndjson", "2025/01/31/12/b2.ndjson"], await store.ListRawBlobsAsync(profileId, CancellationToken.None));
        Assert.Single((await store.GetPageAsync(profileId, 10, null, CancellationToken.None)).Events);
    }

    [Fact]
    public async Task AppendAsync_RawBlobWithoutEvents_IsListedButNeverOnATimelinePage()
    {
        var store = CreateStore();
        var profileId = NewId("p-");

        await store.AppendAsync(profileId, [], "2025/01/31/12/b1.ndjson", CancellationToken.None);

        Assert.Single(await store.ListRawBlobsAsync(profileId, CancellationToken.None));
        var page = await store.GetPageAsync(profileId, 10, null, CancellationToken.None);
        Assert.Empty(page.Events);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task GetPageAsync_ManyRawBlobs_PagesOnlyEvents()
    {
        var store = CreateStore();
        var profileId = NewId("p-");
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync(profileId, [Event(profileId, $"m-{i}", Epoch.AddMinutes(i))], $"2025/01/31/12/b{i}.ndjson", CancellationToken.None);
        }

        var read = new List<string>();
        string? token = null;
        do
        {
            var page = await store.GetPageAsync(profileId, 2, token, CancellationToken.None);
            read.AddRange(page.Events.Select(e => e.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(["m-4", "m-3", "m-2", "m-1", "m-0"], read);
    }

    [Fact]
    public async Task AppendAsync_RawBlobOfOneProfile_IsNotListedForAnother()
    {
        var store = CreateStore();
        var first = NewId("p-");
        var second = NewId("p-");

        await store.AppendAsync(first, [Event(first, "m-1", Epoch)], "2025/01/31/12/b1.ndjson", CancellationToken.None);
        await store.AppendAsync(second, [Event(second, "m-1", Epoch)], "2025/01/31/12/b2.ndjson", CancellationToken.None);

        Assert.Equal(["2025/01/31/12/b1.ndjson"], await store.ListRawBlobsAsync(first, CancellationToken.None));
        Assert.Equal(["2025/01/31/12/b2.ndjson"], await store.ListRawBlobsAsync(second, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAllAsync_ProfileWithRawBlobs_RemovesTheReferencesWithTheEvents()
    {
        var store = CreateStore();
        var gone = NewId("p-");
        var kept = NewId("p-");
        await store.AppendAsync(gone, [Event(gone, "m-1", Epoch)], "2025/01/31/12/b1.ndjson", CancellationToken.None);
        await store.AppendAsync(gone, [], "2025/01/31/13/b2.ndjson", CancellationToken.None);
        await store.AppendAsync(kept, [Event(kept, "m-1", Epoch)], "2025/01/31/12/b1.ndjson", CancellationToken.None);

        await store.DeleteAllAsync(gone, CancellationToken.None);

        Assert.Empty(await store.ListRawBlobsAsync(gone, CancellationToken.None));
        Assert.Empty((await store.GetPageAsync(gone, 10, null, CancellationToken.None)).Events);
        Assert.Equal(["2025/01/31/12/b1.ndjson"], await store.ListRawBlobsAsync(kept, CancellationToken.None));
    }

    private static TimelineEvent Event(string profileId, string id, DateTimeOffset timestamp) => new()
    {
        Id = id,
        ProfileId = profileId,
        Type = "track",
        Name = "Order Completed",
        Timestamp = timestamp,
        ReceivedAt = timestamp.AddSeconds(1),
        SourceId = "src_web",
    };
}
