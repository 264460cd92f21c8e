using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using static Cdp.Tests.Contract.ContractData;

namespace Cdp.Tests.Contract;

/// <summary>What every <see cref="IConsentArchive"/> must do. Subclass it once per implementation.</summary>
public abstract class ConsentArchiveContract
{
    /// <summary>An archive for this test; every test uses fresh profile ids, so it may be shared or empty.</summary>
    protected abstract IConsentArchive CreateArchive();

    [Fact]
    public async Task ListAsync_UnknownProfile_ReturnsNothing()
    {
        Assert.Empty(await CreateArchive().ListAsync(NewId("p-"), CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_EntriesInAnyOrder_ListedOldestFirstAndUnchanged()
    {
        var archive = CreateArchive();
        var profileId = NewId("p-");
        var first = new ConsentHistoryEntry("marketing", true, Epoch, "web", "m-1");
        var second = new ConsentHistoryEntry("analytics", false, Epoch.AddMinutes(1), "api");
        var third = new ConsentHistoryEntry("marketing", false, new DateTimeOffset(2025, 1, 31, 15, 0, 0, TimeSpan.FromHours(2)), "app", "m-3");

        await archive.AppendAsync(profileId, [third, first], CancellationToken.None);
        await archive.AppendAsync(profileId, [second], CancellationToken.None);

        var listed = await archive.ListAsync(profileId, CancellationToken.None);
        Assert.Equal([first, second, third], listed);
        Assert.Equal(third.At.Offset, listed[2].At.Offset);
        Assert.Null(listed[1].MessageId);
    }

    [Fact]
    public async Task AppendAsync_SameInstantDifferentEntries_KeepsBothInTheSameOrderEveryTime()
    {
        var archive = CreateArchive();
        var profileId = NewId("p-");
        var entries = new ConsentHistoryEntry[]
        {
            new("marketing", false, Epoch, "web", "m-1"), new("analytics", false, Epoch, "web", "m-1"), new("sale_of_data", false, Epoch, "web", "m-1"),
        };

        await archive.AppendAsync(profileId, entries, CancellationToken.None);

        var listed = await archive.ListAsync(profileId, CancellationToken.None);
        Assert.Equal(entries.ToHashSet(), listed.ToHashSet());
        Assert.Equal(ConsentArchiveIds.Ordered(profileId, entries), listed);
    }

    [Fact]
    public async Task AppendAsync_SameEntryAgain_StoredOnce()
    {
        var archive = CreateArchive();
        var profileId = NewId("p-");
        var entry = new ConsentHistoryEntry("marketing", false, Epoch, "web", "m-1");

        // A retried write archives the same overflow again; a merge copied twice does the same.
        await archive.AppendAsync(profileId, [entry, entry], CancellationToken.None);
        await archive.AppendAsync(profileId, [entry with { At = entry.At.ToOffset(TimeSpan.FromHours(1)) }], CancellationToken.None);

        Assert.Equal([entry], await archive.ListAsync(profileId, CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_SameChangeFromAnotherMessage_IsAnotherEntry()
    {
        var archive = CreateArchive();
        var profileId = NewId("p-");
        var entry = new ConsentHistoryEntry("marketing", false, Epoch, "web", "m-1");

        await archive.AppendAsync(profileId, [entry, entry with { MessageId = "m-2" }, entry with { MessageId = null }], CancellationToken.None);

        Assert.Equal(3, (await archive.ListAsync(profileId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AppendAsync_ManyEntries_AllListed()
    {
        var archive = CreateArchive();
        var profileId = NewId("p-");
        var entries = Enumerable.Range(0, 250).Select(i => new ConsentHistoryEntry("marketing", i % 2 == 0, Epoch.AddMinutes(i), "web", $"m-{i}")).ToList();

        await archive.AppendAsync(profileId, entries, CancellationToken.None);

        Assert.Equal(entries, await archive.ListAsync(profileId, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAllAsync_OneProfile_RemovesItsEntriesOnlyCountsThemAndMayRepeat()
    {
        var archive = CreateArchive();
        var gone = NewId("p-");
        var kept = NewId("p-");
        var entry = new ConsentHistoryEntry("marketing", false, Epoch, "web", "m-1");
        await archive.AppendAsync(gone, [entry, entry with { Purpose = "analytics" }], CancellationToken.None);
        await archive.AppendAsync(kept, [entry], CancellationToken.None);

        Assert.Equal(2, await archive.DeleteAllAsync(gone, CancellationToken.None));
        Assert.Equal(0, await archive.DeleteAllAsync(gone, CancellationToken.None));

        Assert.Empty(await archive.ListAsync(gone, CancellationToken.None));
        Assert.Equal([entry], await archive.ListAsync(kept, CancellationToken.None));
    }

    [Fact]
    public async Task AppendAsync_SameEntryOnTwoProfiles_KeptOnEach()
    {
        var archive = CreateArchive();
        var first = NewId("p-");
        var second = NewId("p-");
        var entry = new ConsentHistoryEntry("marketing", false, Epoch, "web", "m-1");

        await archive.AppendAsync(first, [entry], CancellationToken.None);
        await archive.AppendAsync(second, [entry], CancellationToken.None);
        await archive.DeleteAllAsync(first, CancellationToken.None);

        Assert.Equal([entry], await archive.ListAsync(second, CancellationToken.None));
    }
}
