using System.Collections.Concurrent;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Local.Ingestion;
using Cdp.Local.Profiles;

namespace Cdp.Local.Tests.Storage;

public sealed class SqliteOutboxTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Received = new(2025, 1, 31, 12, 0, 0, TimeSpan.Zero);

    private readonly ScratchDatabase _scratch = new();
    private SqliteOutbox _outbox = null!;

    public Task InitializeAsync()
    {
        _outbox = new SqliteOutbox(_scratch.Database);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _outbox.DisposeAsync();
        _scratch.Dispose();
    }

    [Fact]
    public async Task EnqueueAsync_ThenHostRestarts_EventsAreStillQueuedInOrder()
    {
        var events = Enumerable.Range(0, 3).Select(i => Track($"m-{i}")).ToList();
        await _outbox.EnqueueAsync(events, CancellationToken.None);

        await _outbox.DisposeAsync();
        _outbox = new SqliteOutbox(_scratch.Reopen());

        Assert.Equal(3, await _outbox.CountAsync(CancellationToken.None));
        var handled = await DrainAsync(_outbox, 10);
        Assert.Equal(new[] { "m-0", "m-1", "m-2" }, handled.Select(e => e.MessageId));
        Assert.Equal("Order Completed", handled[0].Event);
        Assert.Equal(Received, handled[0].ReceivedAt);
        Assert.Equal("19.99", handled[0].Properties!["revenue"].GetRawText());
    }

    [Fact]
    public async Task ProcessNextAsync_HandlerSucceeds_RemovesOnlyTheEventsItHandled()
    {
        await _outbox.EnqueueAsync(Enumerable.Range(0, 5).Select(i => Track($"m-{i}")).ToList(), CancellationToken.None);
        var seen = new List<string>();

        var handled = await _outbox.ProcessNextAsync(3, (batch, _) =>
        {
            seen.AddRange(batch.Select(e => e.MessageId!));
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(3, handled);
        Assert.Equal(new[] { "m-0", "m-1", "m-2" }, seen);
        Assert.Equal(2, await _outbox.CountAsync(CancellationToken.None));
        Assert.Equal(new[] { "m-3", "m-4" }, (await DrainAsync(_outbox, 10)).Select(e => e.MessageId));
    }

    [Fact]
    public async Task CountAsync_AfterEnqueuesPartialDrainsAndARolledBackHandler_EqualsTheRowsThere()
    {
        // CountAsync reads max(seq) - min(seq) + 1 instead of scanning: it must agree with count(*) whatever happened.
        var counts = new List<(long Seek, long Scan)>();
        async Task RecordAsync() => counts.Add((await _outbox.CountAsync(CancellationToken.None), CountByScan()));

        await RecordAsync();
        await _outbox.EnqueueAsync(Enumerable.Range(0, 7).Select(i => Track($"a-{i}")).ToList(), CancellationToken.None);
        await RecordAsync();
        await _outbox.ProcessNextAsync(3, (_, _) => Task.CompletedTask, CancellationToken.None);
        await RecordAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _outbox.ProcessNextAsync(2, async (_, ct) =>
        {
            await _outbox.EnqueueAsync([Track("rolled-back")], ct);
            throw new InvalidOperationException("handler fails");
        }, CancellationToken.None));
        await RecordAsync();
        await _outbox.EnqueueAsync([Track("b-0"), Track("b-1")], CancellationToken.None);
        await RecordAsync();
        await DrainAsync(_outbox, 4);
        await RecordAsync();
        await _outbox.EnqueueAsync([Track("c-0")], CancellationToken.None);
        await RecordAsync();

        Assert.Equal([0L, 7, 4, 4, 6, 0, 1], counts.Select(c => c.Scan));
        Assert.All(counts, c => Assert.Equal(c.Scan, c.Seek));
    }

    [Fact]
    public async Task ProcessNextAsync_HandlerThrows_KeepsEventsAndUndoesHandlerWrites()
    {
        await _outbox.EnqueueAsync([Track("m-1"), Track("m-2")], CancellationToken.None);
        var profiles = new SqliteProfileStore(_scratch.Database);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _outbox.ProcessNextAsync(10, async (batch, ct) =>
        {
            await profiles.CreateAsync(new Profile { Id = "p-half-done" }, ct);
            throw new InvalidOperationException("store went away");
        }, CancellationToken.None));

        Assert.Equal("store went away", error.Message);
        Assert.Equal(2, await _outbox.CountAsync(CancellationToken.None));
        Assert.Null(await profiles.GetAsync("p-half-done", CancellationToken.None));
        Assert.Equal(new[] { "m-1", "m-2" }, (await DrainAsync(_outbox, 10)).Select(e => e.MessageId));
    }

    [Fact]
    public async Task ProcessNextAsync_HandlerWrites_CommitTogetherWithTheDequeue()
    {
        await _outbox.EnqueueAsync([Track("m-1")], CancellationToken.None);
        var profiles = new SqliteProfileStore(_scratch.Database);

        await _outbox.ProcessNextAsync(10, async (batch, ct) =>
        {
            await profiles.CreateAsync(new Profile { Id = "p-" + batch[0].MessageId }, ct);

            // Reads inside the handler see the handler's own uncommitted writes.
            Assert.NotNull(await profiles.GetAsync("p-m-1", ct));
        }, CancellationToken.None);

        Assert.Equal(0, await _outbox.CountAsync(CancellationToken.None));
        Assert.NotNull(await profiles.GetAsync("p-m-1", CancellationToken.None));
    }

    [Fact]
    public async Task ProcessNextAsync_EmptyOutbox_ReturnsZeroWithoutCallingHandler()
    {
        var called = false;

        var handled = await _outbox.ProcessNextAsync(10, (_, _) =>
        {
            called = true;
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(0, handled);
        Assert.False(called);
    }

    [Fact]
    public async Task EnqueueAsync_ManyConcurrentCallers_EveryEventLandsOnceInEachCallersOrder()
    {
        const int Callers = 40;
        const int EventsPerCall = 25;
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, Callers).Select(c => Task.Run(async () =>
        {
            start.Wait();
            var events = Enumerable.Range(0, EventsPerCall).Select(i => Track($"c{c:D2}-{i:D2}")).ToList();
            await _outbox.EnqueueAsync(events, CancellationToken.None);
        })).ToList();
        start.Set();
        await Task.WhenAll(calls);

        Assert.Equal(Callers * EventsPerCall, await _outbox.CountAsync(CancellationToken.None));
        var handled = (await DrainAsync(_outbox, 333)).Select(e => e.MessageId!).ToList();
        Assert.Equal(Callers * EventsPerCall, handled.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Callers * EventsPerCall, handled.Count);
        foreach (var caller in handled.GroupBy(id => id[..3], StringComparer.Ordinal))
        {
            Assert.Equal(caller.Order(StringComparer.Ordinal), caller);
        }

        // One request's events are committed together, so they are never interleaved with another's.
        var runs = handled.Select(id => id[..3]).Where((prefix, i) => i == 0 || prefix != handled[i - 1][..3]).Count();
        Assert.Equal(Callers, runs);
    }

    [Fact]
    public async Task EnqueueAsync_InsideHandler_CommitsWithTheTransactionInsteadOfDeadlocking()
    {
        await _outbox.EnqueueAsync([Track("m-1")], CancellationToken.None);

        var processing = _outbox.ProcessNextAsync(10, (_, ct) => _outbox.EnqueueAsync([Track("m-follow-up")], ct), CancellationToken.None);
        Assert.Equal(1, await processing.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(new[] { "m-follow-up" }, (await DrainAsync(_outbox, 10)).Select(e => e.MessageId));
    }

    [Fact]
    public async Task WaitForEventsAsync_EnqueueArrives_Completes()
    {
        // The first wait returns at once: rows may be left from a previous run.
        await _outbox.WaitForEventsAsync(TimeSpan.FromSeconds(30), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var waiting = _outbox.WaitForEventsAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

        await _outbox.EnqueueAsync([Track("m-1")], CancellationToken.None);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaitForEventsAsync_NothingEnqueued_ReturnsAfterTimeout()
    {
        await _outbox.WaitForEventsAsync(TimeSpan.FromSeconds(30), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var waiting = _outbox.WaitForEventsAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await _outbox.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task EnqueueAsync_AfterDispose_Throws()
    {
        await _outbox.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => _outbox.EnqueueAsync([Track("m-1")], CancellationToken.None));

        _outbox = new SqliteOutbox(_scratch.Database);
    }

    private long CountByScan() => _scratch.Database.Read(session => (long)session.Command("SELECT count(*) FROM outbox").ExecuteScalar()!);

    private static async Task<List<SegmentEvent>> DrainAsync(SqliteOutbox outbox, int batchSize)
    {
        var handled = new ConcurrentQueue<SegmentEvent>();
        for (var rounds = 0; rounds < 10_000; rounds++)
        {
            var n = await outbox.ProcessNextAsync(batchSize, (batch, _) =>
            {
                foreach (var e in batch)
                {
                    handled.Enqueue(e);
                }

                return Task.CompletedTask;
            }, CancellationToken.None);
            if (n == 0)
            {
                return [.. handled];
            }
        }

        throw new InvalidOperationException("outbox did not drain");
    }

    private static SegmentEvent Track(string messageId) => new()
    {
        Type = EventTypes.Track,
        MessageId = messageId,
        UserId = "u-1",
        Event = "Order Completed",
        Properties = new() { ["revenue"] = System.Text.Json.JsonDocument.Parse("19.99").RootElement.Clone() },
        Timestamp = Received,
        ReceivedAt = Received,
        SourceId = "src_test",
    };
}
