using Cdp.Core;
using Cdp.Core.Profiles;
using static Cdp.Tests.Contract.ContractData;

namespace Cdp.Tests.Contract;

/// <summary>What every <see cref="IProfileStore"/> must do. Subclass it once per implementation.</summary>
public abstract class ProfileStoreContract
{
    /// <summary>A store for this test; every test uses fresh ids, so it may be shared or empty.</summary>
    protected abstract IProfileStore CreateStore();

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        var store = CreateStore();

        Assert.Null(await store.GetAsync(NewId("p-"), CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_NewProfile_GetReturnsSameDocumentAndETag()
    {
        var store = CreateStore();
        var profile = SampleProfile(NewId("p-"));

        var etag = await store.CreateAsync(profile, CancellationToken.None);
        var read = await store.GetAsync(profile.Id, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(etag, read.Value.ETag);
        AssertSameDocument(profile, read.Value.Value, CdpJsonContext.Default.Profile);
    }

    [Fact]
    public async Task CreateAsync_IdExists_ThrowsConflictAndKeepsFirst()
    {
        var store = CreateStore();
        var first = SampleProfile(NewId("p-"));
        var etag = await store.CreateAsync(first, CancellationToken.None);
        var second = SampleProfile(first.Id) with { MergedInto = "p-someone-else" };

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CreateAsync(second, CancellationToken.None));

        var read = await store.GetAsync(first.Id, CancellationToken.None);
        Assert.Equal(etag, read!.Value.ETag);
        Assert.Null(read.Value.Value.MergedInto);
    }

    [Fact]
    public async Task ReplaceAsync_CurrentETag_StoresDocumentAndIssuesNewETag()
    {
        var store = CreateStore();
        var profile = SampleProfile(NewId("p-"));
        var created = await store.CreateAsync(profile, CancellationToken.None);
        var changed = profile with { MergedInto = "p-survivor", Version = 2 };

        var replaced = await store.ReplaceAsync(changed, created, CancellationToken.None);

        Assert.NotEqual(created, replaced);
        var read = await store.GetAsync(profile.Id, CancellationToken.None);
        Assert.Equal(replaced, read!.Value.ETag);
        AssertSameDocument(changed, read.Value.Value, CdpJsonContext.Default.Profile);
    }

    [Fact]
    public async Task ReplaceAsync_StaleETag_ThrowsConflictAndKeepsWinner()
    {
        var store = CreateStore();
        var profile = SampleProfile(NewId("p-"));
        var stale = await store.CreateAsync(profile, CancellationToken.None);
        var winner = profile with { Version = 2, MergedInto = "p-winner" };
        var current = await store.ReplaceAsync(winner, stale, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => store.ReplaceAsync(profile with { Version = 3, MergedInto = "p-loser" }, stale, CancellationToken.None));

        var read = await store.GetAsync(profile.Id, CancellationToken.None);
        Assert.Equal(current, read!.Value.ETag);
        Assert.Equal("p-winner", read.Value.Value.MergedInto);
    }

    [Fact]
    public async Task ReplaceAsync_ProfileDoesNotExist_ThrowsConflict()
    {
        var store = CreateStore();
        var other = await store.CreateAsync(SampleProfile(NewId("p-")), CancellationToken.None);

        // An ETag from another profile is as stale as any: the missing profile must not appear.
        var missing = SampleProfile(NewId("p-"));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.ReplaceAsync(missing, other, CancellationToken.None));
        Assert.Null(await store.GetAsync(missing.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceAsync_ConcurrentWritersWithSameETag_ExactlyOneWins()
    {
        var store = CreateStore();
        var profile = SampleProfile(NewId("p-"));
        var etag = await store.CreateAsync(profile, CancellationToken.None);

        var attempts = Enumerable.Range(1, 8).Select(async i =>
        {
            await Task.Yield();
            try
            {
                await store.ReplaceAsync(profile with { MergedInto = $"p-writer-{i}" }, etag, CancellationToken.None);
                return i;
            }
            catch (ConcurrencyConflictException)
            {
                return 0;
            }
        });
        var winners = (await Task.WhenAll(attempts)).Where(i => i != 0).ToList();

        var winner = Assert.Single(winners);
        var read = await store.GetAsync(profile.Id, CancellationToken.None);
        Assert.Equal($"p-writer-{winner}", read!.Value.Value.MergedInto);
    }

    [Fact]
    public async Task GetManyAsync_SomeExist_ReturnsOnlyThoseWithSameDocumentsAndETags()
    {
        var store = CreateStore();
        var first = SampleProfile(NewId("p-"));
        var second = SampleProfile(NewId("p-")) with { Version = 4 };
        var firstETag = await store.CreateAsync(first, CancellationToken.None);
        var secondETag = await store.CreateAsync(second, CancellationToken.None);
        var missing = NewId("p-");

        var read = await store.GetManyAsync([missing, second.Id, first.Id], CancellationToken.None);

        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.Equal(firstETag, read[first.Id].ETag);
        Assert.Equal(secondETag, read[second.Id].ETag);
        AssertSameDocument(first, read[first.Id].Value, CdpJsonContext.Default.Profile);
        AssertSameDocument(second, read[second.Id].Value, CdpJsonContext.Default.Profile);
    }

    [Fact]
    public async Task GetManyAsync_MergedAwayProfile_ReturnsTheTombstoneWithoutFollowingIt()
    {
        var store = CreateStore();
        var survivor = SampleProfile(NewId("p-"));
        var loser = SampleProfile(NewId("p-")) with { MergedInto = survivor.Id };
        await store.CreateAsync(survivor, CancellationToken.None);
        await store.CreateAsync(loser, CancellationToken.None);

        var read = await store.GetManyAsync([loser.Id], CancellationToken.None);

        Assert.Equal(survivor.Id, Assert.Single(read).Value.Value.MergedInto);
    }

    [Fact]
    public async Task GetManyAsync_IdAskedTwice_ReturnsItOnce()
    {
        var store = CreateStore();
        var profile = SampleProfile(NewId("p-"));
        await store.CreateAsync(profile, CancellationToken.None);

        var read = await store.GetManyAsync([profile.Id, profile.Id], CancellationToken.None);

        Assert.Equal(profile.Id, Assert.Single(read).Key);
    }

    [Fact]
    public async Task GetManyAsync_NoIds_ReturnsNothing()
    {
        Assert.Empty(await CreateStore().GetManyAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task GetManyAsync_MoreIdsThanOneRequestTakes_FindsProfilesInEveryPart()
    {
        var store = CreateStore();
        var asked = Enumerable.Range(0, 1_101).Select(_ => NewId("p-")).ToList();
        var existing = new[] { asked[0], asked[499], asked[500], asked[1_000], asked[^1] };
        foreach (var id in existing)
        {
            await store.CreateAsync(SampleProfile(id), CancellationToken.None);
        }

        var read = await store.GetManyAsync(asked, CancellationToken.None);

        Assert.Equal(existing.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.All(read, r => Assert.Equal(r.Key, r.Value.Value.Id));
    }

    [Fact]
    public async Task GetManyAsync_ABatchWorthOfProfiles_GivesEachIdItsOwnDocumentAndETag()
    {
        // As many as a batch touches: stores may read or parse them side by side, and must not mix them up.
        var store = CreateStore();
        var written = new Dictionary<string, (Profile Profile, string ETag)>(StringComparer.Ordinal);
        for (var i = 0; i < 120; i++)
        {
            var profile = SampleProfile(NewId("p-")) with { Version = i };
            var etag = await store.CreateAsync(profile, CancellationToken.None);
            written[profile.Id] = (profile, i % 3 == 0 ? await store.ReplaceAsync(profile, etag, CancellationToken.None) : etag);
        }

        var read = await store.GetManyAsync(written.Keys.ToList(), CancellationToken.None);

        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (id, (profile, etag)) in written)
        {
            Assert.Equal(etag, read[id].ETag);
            AssertSameDocument(profile, read[id].Value, CdpJsonContext.Default.Profile);
        }
    }

    [Fact]
    public async Task GetManyAsync_ETagRead_IsAcceptedByReplaceUntilTheProfileChanges()
    {
        var store = CreateStore();
        var profile = SampleProfile(NewId("p-"));
        await store.CreateAsync(profile, CancellationToken.None);
        var etag = (await store.GetManyAsync([profile.Id], CancellationToken.None))[profile.Id].ETag;

        var replaced = await store.ReplaceAsync(profile with { Version = 2 }, etag, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => store.ReplaceAsync(profile with { Version = 3 }, etag, CancellationToken.None));
        var read = (await store.GetManyAsync([profile.Id], CancellationToken.None))[profile.Id];
        Assert.Equal(replaced, read.ETag);
        Assert.Equal(2, read.Value.Version);
    }

    private static Profile SampleProfile(string id) => new()
    {
        Id = id,
        Traits =
        {
            ["firstName"] = new TraitValue(Json("\"Jane\""), Epoch, "src_web"),
            ["plan"] = new TraitValue(Json("{\"tier\":\"gold\",\"seats\":3}"), Epoch.AddMinutes(5), "src_crm"),
        },
        Identifiers =
        {
            new ProfileIdentifier("email", "jane@example.com", "email:0a1b2c", Epoch),
            new ProfileIdentifier("userId", "u-42", "userId:3d4e5f", Epoch),
        },
        Computed = new ComputedTraits { FirstSeen = Epoch, LastSeen = Epoch.AddDays(1), EventCount = 2, EventCounts = { ["Order Completed"] = 2 } },
        CreatedAt = Epoch,
        UpdatedAt = Epoch.AddDays(1),
        RawBlobs = ["2025/01/31/12/abc.ndjson"], // legacy (ADR 0016): documents written before still read back
        RecentMessageIds = { "m-1", "m-2" },
        Version = 1,
    };
}
