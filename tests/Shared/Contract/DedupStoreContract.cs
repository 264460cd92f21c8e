using Cdp.Core.Ingestion;
using Microsoft.Extensions.Time.Testing;
using static Cdp.Tests.Contract.ContractData;

namespace Cdp.Tests.Contract;

/// <summary>What every <see cref="IDedupStore"/> must do. Subclass it once per implementation.</summary>
public abstract class DedupStoreContract
{
    /// <summary>A store that reads the current time from <paramref name="time"/>.</summary>
    protected abstract IDedupStore CreateStore(TimeProvider time);

    [Fact]
    public async Task FindProcessedAsync_NothingMarked_ReturnsEmpty()
    {
        var store = CreateStore(new FakeTimeProvider(Epoch));

        Assert.Empty(await store.FindProcessedAsync([NewId("m-"), NewId("m-")], CancellationToken.None));
    }

    [Fact]
    public async Task FindProcessedAsync_SomeMarked_ReturnsExactlyThose()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = CreateStore(time);
        var marked = new[] { NewId("m-"), NewId("m-") };
        var fresh = NewId("m-");

        await store.MarkProcessedAsync(marked, Epoch.AddDays(1), CancellationToken.None);

        var found = await store.FindProcessedAsync([marked[0], fresh, marked[1]], CancellationToken.None);
        Assert.Equal(marked.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MarkProcessedAsync_Twice_IsHarmless()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = CreateStore(time);
        var id = NewId("m-");

        await store.MarkProcessedAsync([id], Epoch.AddDays(1), CancellationToken.None);
        await store.MarkProcessedAsync([id], Epoch.AddDays(1), CancellationToken.None);

        Assert.Equal(new[] { id }, await store.FindProcessedAsync([id], CancellationToken.None));
    }

    [Fact]
    public async Task FindProcessedAsync_AfterExpiry_CountsAsNotProcessed()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = CreateStore(time);
        var id = NewId("m-");
        await store.MarkProcessedAsync([id], Epoch.AddHours(24), CancellationToken.None);

        time.Advance(TimeSpan.FromHours(23));
        Assert.Contains(id, await store.FindProcessedAsync([id], CancellationToken.None));

        time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await store.FindProcessedAsync([id], CancellationToken.None));
    }

    [Fact]
    public async Task MarkProcessedAsync_AgainWithLaterExpiry_ExtendsWindow()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = CreateStore(time);
        var id = NewId("m-");
        await store.MarkProcessedAsync([id], Epoch.AddHours(1), CancellationToken.None);
        await store.MarkProcessedAsync([id], Epoch.AddHours(48), CancellationToken.None);

        time.Advance(TimeSpan.FromHours(2));

        Assert.Contains(id, await store.FindProcessedAsync([id], CancellationToken.None));
    }

    [Fact]
    public async Task MarkProcessedAsync_AfterExpiry_CountsAgainUntilNewExpiry()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = CreateStore(time);
        var id = NewId("m-");
        await store.MarkProcessedAsync([id], Epoch.AddHours(1), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(2));

        await store.MarkProcessedAsync([id], time.GetUtcNow().AddHours(1), CancellationToken.None);

        Assert.Contains(id, await store.FindProcessedAsync([id], CancellationToken.None));
    }

    [Fact]
    public async Task FindProcessedAsync_LargeBatch_FindsEveryMarkedId()
    {
        var store = CreateStore(new FakeTimeProvider(Epoch));
        var ids = Enumerable.Range(0, 2_500).Select(_ => NewId("m-")).ToList();
        await store.MarkProcessedAsync(ids.Where((_, i) => i % 2 == 0).ToList(), Epoch.AddDays(1), CancellationToken.None);

        var found = await store.FindProcessedAsync(ids, CancellationToken.None);

        Assert.Equal(1_250, found.Count);
        Assert.All(found, id => Assert.Equal(0, ids.IndexOf(id) % 2));
    }
}
