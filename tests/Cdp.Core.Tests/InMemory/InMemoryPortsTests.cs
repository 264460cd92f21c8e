using System.Text.Json;
using Cdp.Core.Consent;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Core.Tests.InMemory;

/// <summary>What the in-memory ports promise beyond the shared store contracts.</summary>
public sealed class InMemoryPortsTests
{
    [Fact]
    public async Task ProfileStore_CallerMutatesProfileAfterWriting_StoredProfileIsUnchanged()
    {
        var store = new InMemoryProfileStore();
        var profile = new Profile { Id = "p-1", Traits = { ["plan"] = Trait("\"free\"") } };
        await store.CreateAsync(profile, CancellationToken.None);

        profile.Traits["plan"] = Trait("\"pro\"");
        profile.Identifiers.Add(new ProfileIdentifier("email", "x@y", "email:00", TestOptions.Now));
        profile.Computed.EventCount = 99;

        var stored = (await store.GetAsync("p-1", CancellationToken.None))!.Value.Value;
        Assert.Equal("free", stored.Traits["plan"].Value.GetString());
        Assert.Empty(stored.Identifiers);
        Assert.Equal(0, stored.Computed.EventCount);
    }

    [Fact]
    public async Task ProfileStore_CallerMutatesAProfileItRead_NextReadIsUnchanged()
    {
        var store = new InMemoryProfileStore();
        await store.CreateAsync(new Profile { Id = "p-1" }, CancellationToken.None);

        (await store.GetAsync("p-1", CancellationToken.None))!.Value.Value.RecentMessageIds.Add("m-1");

        Assert.Empty((await store.GetAsync("p-1", CancellationToken.None))!.Value.Value.RecentMessageIds);
    }

    [Fact]
    public async Task ProfileStore_Remove_MakesTheIdFreeAgain()
    {
        var store = new InMemoryProfileStore();
        await store.CreateAsync(new Profile { Id = "p-1" }, CancellationToken.None);

        Assert.True(store.Remove("p-1"));

        Assert.Null(await store.GetAsync("p-1", CancellationToken.None));
        Assert.Equal(0, store.Count);
        await store.CreateAsync(new Profile { Id = "p-1" }, CancellationToken.None);
    }

    [Fact]
    public async Task ProfileStore_ParallelReadModifyWriteWithRetry_LosesNoIncrement()
    {
        var store = new InMemoryProfileStore();
        await store.CreateAsync(new Profile { Id = "p-1" }, CancellationToken.None);

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), async (_, ct) =>
        {
            while (true)
            {
                var read = (await store.GetAsync("p-1", ct))!.Value;
                read.Value.Computed.EventCount++;
                try
                {
                    await store.ReplaceAsync(read.Value, read.ETag, ct);
                    return;
                }
                catch (ConcurrencyConflictException)
                {
                    // Lost the race: read again.
                }
            }
        });

        Assert.Equal(200, (await store.GetAsync("p-1", CancellationToken.None))!.Value.Value.Computed.EventCount);
    }

    [Fact]
    public async Task DedupStore_PurgeExpired_ForgetsOnlyExpiredEntries()
    {
        var time = new FakeTimeProvider(TestOptions.Now);
        var store = new InMemoryDedupStore(time);
        await store.MarkProcessedAsync(["old"], TestOptions.Now.AddHours(1), CancellationToken.None);
        await store.MarkProcessedAsync(["new"], TestOptions.Now.AddHours(48), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(1, store.PurgeExpired());

        Assert.Equal(1, store.Count);
        Assert.Equal(["new"], await store.FindProcessedAsync(["old", "new"], CancellationToken.None));
    }

    [Fact]
    public async Task DedupStore_MarkedAgainWithEarlierExpiry_KeepsTheLaterOne()
    {
        var time = new FakeTimeProvider(TestOptions.Now);
        var store = new InMemoryDedupStore(time);
        await store.MarkProcessedAsync(["m"], TestOptions.Now.AddHours(48), CancellationToken.None);
        await store.MarkProcessedAsync(["m"], TestOptions.Now.AddHours(1), CancellationToken.None);

        time.Advance(TimeSpan.FromHours(2));

        Assert.Contains("m", await store.FindProcessedAsync(["m"], CancellationToken.None));
    }

    [Fact]
    public async Task RawEventArchive_CallerChangesTheBufferAfterWriting_FileIsUnchanged()
    {
        var archive = new InMemoryRawEventArchive();
        var bytes = "{\"a\":1}\n"u8.ToArray();
        await archive.WriteAsync("2025/01/01/00/x.ndjson", bytes, CancellationToken.None);

        bytes[2] = (byte)'b';

        Assert.Equal("{\"a\":1}\n"u8.ToArray(), await archive.ReadAsync("2025/01/01/00/x.ndjson", CancellationToken.None));
    }

    [Fact]
    public async Task EventQueue_Take_ReturnsOldestFirstUpToTheLimit()
    {
        var queue = new InMemoryEventQueue();
        var events = Enumerable.Range(0, 5).Select(i => new SegmentEvent { MessageId = "m" + i }).ToList();
        await queue.EnqueueAsync(events[..3], CancellationToken.None);
        await queue.EnqueueAsync(events[3..], CancellationToken.None);

        Assert.Equal(["m0", "m1"], queue.Take(2).Select(e => e.MessageId));
        Assert.Equal(["m2", "m3", "m4"], queue.Take().Select(e => e.MessageId));
        Assert.Empty(queue.Take());
    }

    [Fact]
    public async Task SourceDirectory_KnownAndUnknownKeys_ResolveExactly()
    {
        var sources = new InMemorySourceDirectory("wk_1", new Source("src-1", "Web")).Add("wk_2", new Source("src-2", "POS"));

        Assert.Equal("src-2", (await sources.FindByWriteKeyAsync("wk_2", CancellationToken.None))?.Id);
        Assert.Null(await sources.FindByWriteKeyAsync("WK_1", CancellationToken.None));
    }

    [Fact]
    public async Task MergeScheduler_SameProfilesTwiceInAnyOrder_SchedulesOnce()
    {
        var merges = new InMemoryMergeScheduler();

        await merges.ScheduleAsync(new MergeRequest(["p-1", "p-2"], "first"), CancellationToken.None);
        await merges.ScheduleAsync(new MergeRequest(["p-2", "p-1"], "again"), CancellationToken.None);

        Assert.Equal("first", Assert.Single(merges.Scheduled).Reason);
        Assert.Single(merges.TakeAll());
        Assert.Empty(merges.TakeAll());
    }

    [Fact]
    public void AddCdpInMemoryPorts_EachPort_ResolvesToTheSameInstanceAsItsInMemoryType()
    {
        using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(TestOptions.Now))
            .AddCdpInMemoryPorts()
            .BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<InMemoryProfileStore>(), provider.GetRequiredService<IProfileStore>());
        Assert.Same(provider.GetRequiredService<InMemoryTimelineStore>(), provider.GetRequiredService<ITimelineStore>());
        Assert.Same(provider.GetRequiredService<InMemoryConsentArchive>(), provider.GetRequiredService<IConsentArchive>());
        Assert.Same(provider.GetRequiredService<InMemoryIdentityIndex>(), provider.GetRequiredService<IIdentityIndex>());
        Assert.Same(provider.GetRequiredService<InMemoryDedupStore>(), provider.GetRequiredService<IDedupStore>());
        Assert.Same(provider.GetRequiredService<InMemoryRawEventArchive>(), provider.GetRequiredService<IRawEventArchive>());
        Assert.Same(provider.GetRequiredService<InMemorySourceDirectory>(), provider.GetRequiredService<ISourceDirectory>());
        Assert.Same(provider.GetRequiredService<InMemoryEventQueue>(), provider.GetRequiredService<IEventQueue>());
        Assert.Same(provider.GetRequiredService<InMemoryMergeScheduler>(), provider.GetRequiredService<IMergeScheduler>());
    }

    private static TraitValue Trait(string json) => new(JsonDocument.Parse(json).RootElement.Clone(), TestOptions.Now, "test");
}
