using Cdp.Core;
using Cdp.Core.Identity;
using static Cdp.Tests.Contract.ContractData;

namespace Cdp.Tests.Contract;

/// <summary>What every <see cref="IIdentityIndex"/> must do. Subclass it once per implementation.</summary>
public abstract class IdentityIndexContract
{
    protected abstract IIdentityIndex CreateIndex();

    [Fact]
    public async Task GetAsync_UnknownIdentity_ReturnsNull()
    {
        var index = CreateIndex();

        Assert.Null(await index.GetAsync(NewId("email:"), CancellationToken.None));
    }

    [Fact]
    public async Task TryCreateAsync_NewIdentity_ReturnsTrueAndGetReturnsLink()
    {
        var index = CreateIndex();
        var link = new IdentityLink(NewId("email:"), "p-1", Epoch, Epoch.AddHours(1));

        Assert.True(await index.TryCreateAsync(link, CancellationToken.None));

        var read = await index.GetAsync(link.Id, CancellationToken.None);
        Assert.Equal(link, read!.Value.Value);
    }

    [Fact]
    public async Task TryCreateAsync_IdentityExists_ReturnsFalseAndKeepsFirstProfile()
    {
        var index = CreateIndex();
        var id = NewId("userId:");
        await index.TryCreateAsync(new IdentityLink(id, "p-first", Epoch, Epoch), CancellationToken.None);

        Assert.False(await index.TryCreateAsync(new IdentityLink(id, "p-second", Epoch, Epoch), CancellationToken.None));

        Assert.Equal("p-first", (await index.GetAsync(id, CancellationToken.None))!.Value.Value.ProfileId);
    }

    [Fact]
    public async Task TryCreateAsync_ManyRacingCreators_ExactlyOneWins()
    {
        var index = CreateIndex();
        var id = NewId("anonymousId:");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await Task.Yield();
            return await index.TryCreateAsync(new IdentityLink(id, $"p-{i}", Epoch, Epoch), CancellationToken.None) ? i : -1;
        }));

        var winner = Assert.Single(results, i => i >= 0);
        Assert.Equal($"p-{winner}", (await index.GetAsync(id, CancellationToken.None))!.Value.Value.ProfileId);
    }

    [Fact]
    public async Task ReplaceAsync_CurrentETag_RepointsLinkAndIssuesNewETag()
    {
        var index = CreateIndex();
        var link = new IdentityLink(NewId("email:"), "p-loser", Epoch, Epoch);
        await index.TryCreateAsync(link, CancellationToken.None);
        var etag = (await index.GetAsync(link.Id, CancellationToken.None))!.Value.ETag;
        var moved = link with { ProfileId = "p-survivor", LastSeen = Epoch.AddDays(2) };

        var next = await index.ReplaceAsync(moved, etag, CancellationToken.None);

        Assert.NotEqual(etag, next);
        var read = await index.GetAsync(link.Id, CancellationToken.None);
        Assert.Equal(moved, read!.Value.Value);
        Assert.Equal(next, read.Value.ETag);
    }

    [Fact]
    public async Task ReplaceAsync_StaleETag_ThrowsConflictAndKeepsWinner()
    {
        var index = CreateIndex();
        var link = new IdentityLink(NewId("email:"), "p-a", Epoch, Epoch);
        await index.TryCreateAsync(link, CancellationToken.None);
        var stale = (await index.GetAsync(link.Id, CancellationToken.None))!.Value.ETag;
        await index.ReplaceAsync(link with { ProfileId = "p-b" }, stale, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => index.ReplaceAsync(link with { ProfileId = "p-c" }, stale, CancellationToken.None));

        Assert.Equal("p-b", (await index.GetAsync(link.Id, CancellationToken.None))!.Value.Value.ProfileId);
    }

    [Fact]
    public async Task ReplaceAsync_IdentityDoesNotExist_ThrowsConflict()
    {
        var index = CreateIndex();
        var other = new IdentityLink(NewId("email:"), "p-a", Epoch, Epoch);
        await index.TryCreateAsync(other, CancellationToken.None);
        var etag = (await index.GetAsync(other.Id, CancellationToken.None))!.Value.ETag;
        var missing = new IdentityLink(NewId("email:"), "p-b", Epoch, Epoch);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => index.ReplaceAsync(missing, etag, CancellationToken.None));
        Assert.Null(await index.GetAsync(missing.Id, CancellationToken.None));
    }

    [Fact]
    public async Task GetManyAsync_SomeLinked_ReturnsOnlyTheLinkedWithTheirETags()
    {
        var index = CreateIndex();
        var first = new IdentityLink(NewId("email:"), "p-1", Epoch, Epoch.AddHours(1));
        var second = new IdentityLink(NewId("userId:"), "p-2", Epoch, Epoch);
        await index.TryCreateAsync(first, CancellationToken.None);
        await index.TryCreateAsync(second, CancellationToken.None);
        var missing = NewId("anonymousId:");

        var read = await index.GetManyAsync([first.Id, missing, second.Id], CancellationToken.None);

        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.Equal(await index.GetAsync(first.Id, CancellationToken.None), read[first.Id]);
        Assert.Equal(await index.GetAsync(second.Id, CancellationToken.None), read[second.Id]);
    }

    [Fact]
    public async Task GetManyAsync_IdAskedTwice_ReturnsItOnce()
    {
        var index = CreateIndex();
        var link = new IdentityLink(NewId("email:"), "p-1", Epoch, Epoch);
        await index.TryCreateAsync(link, CancellationToken.None);

        var read = await index.GetManyAsync([link.Id, link.Id], CancellationToken.None);

        Assert.Equal(link, Assert.Single(read).Value.Value);
    }

    [Fact]
    public async Task GetManyAsync_NoIds_ReturnsNothing()
    {
        Assert.Empty(await CreateIndex().GetManyAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task GetManyAsync_MoreIdsThanOneRequestTakes_FindsLinksInEveryPart()
    {
        var index = CreateIndex();
        var asked = Enumerable.Range(0, 1_101).Select(_ => NewId("anonymousId:")).ToList();
        var linked = new[] { asked[0], asked[499], asked[500], asked[1_000], asked[^1] };
        foreach (var id in linked)
        {
            await index.TryCreateAsync(new IdentityLink(id, "p-" + id, Epoch, Epoch), CancellationToken.None);
        }

        var read = await index.GetManyAsync(asked, CancellationToken.None);

        Assert.Equal(linked.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.All(read, r => Assert.Equal("p-" + r.Key, r.Value.Value.ProfileId));
    }

    [Fact]
    public async Task GetManyAsync_ETagRead_IsAcceptedByReplaceUntilTheLinkChanges()
    {
        var index = CreateIndex();
        var link = new IdentityLink(NewId("email:"), "p-loser", Epoch, Epoch);
        await index.TryCreateAsync(link, CancellationToken.None);
        var etag = (await index.GetManyAsync([link.Id], CancellationToken.None))[link.Id].ETag;

        await index.ReplaceAsync(link with { ProfileId = "p-survivor" }, etag, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => index.ReplaceAsync(link with { ProfileId = "p-other" }, etag, CancellationToken.None));
        Assert.Equal("p-survivor", (await index.GetManyAsync([link.Id], CancellationToken.None))[link.Id].Value.ProfileId);
    }
}
