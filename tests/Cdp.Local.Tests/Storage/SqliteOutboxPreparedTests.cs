using Cdp.Core.Events;
using Cdp.Local.Ingestion;

namespace Cdp.Local.Tests.Storage;

/// <summary>
/// The consumer reads and resolves a small batch before it takes the write lock, so requests queueing events are not
/// held up by those reads; a backlog is processed under the lock as before, which is what holds intake back.
/// </summary>
public sealed class SqliteOutboxPreparedTests : IAsyncLifetime
{
    private const int MaxEvents = 100;

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
    public async Task ProcessNextPreparedAsync_FewQueued_PreparesOutsideTheTransactionAndWritesInsideIt()
    {
        await EnqueueAsync("m-0", "m-1", "m-2");
        var steps = new List<string>();

        var handled = await _outbox.ProcessNextPreparedAsync(
            MaxEvents,
            (batch, _) =>
            {
                steps.Add($"prepare {batch.Count} in transaction: {_scratch.Database.InTransaction}");
                return Task.FromResult<Func<CancellationToken, Task>>(_ =>
                {
                    steps.Add($"write in transaction: {_scratch.Database.InTransaction}");
                    return Task.CompletedTask;
                });
            },
            (_, _) => throw new InvalidOperationException("a small batch is prepared, not handed over whole"),
            CancellationToken.None);

        Assert.Equal(3, handled);
        Assert.Equal(["prepare 3 in transaction: False", "write in transaction: True"], steps);
        Assert.Equal(0, await _outbox.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ProcessNextPreparedAsync_Backlog_HandsTheBatchOverWholeInsideTheTransaction()
    {
        await EnqueueAsync([.. Enumerable.Range(0, MaxEvents + 20).Select(i => $"m-{i}")]);
        var inTransaction = new List<bool>();

        var handled = await _outbox.ProcessNextPreparedAsync(
            MaxEvents,
            (_, _) => throw new InvalidOperationException("a backlog is not prepared outside the lock"),
            (_, _) =>
            {
                inTransaction.Add(_scratch.Database.InTransaction);
                return Task.CompletedTask;
            },
            CancellationToken.None);

        Assert.Equal(MaxEvents, handled);
        Assert.Equal([true], inTransaction);
        Assert.Equal(20, await _outbox.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ProcessNextPreparedAsync_EventsTakenByAnotherDrainerWhilePreparing_HandlesEachEventOnce()
    {
        await EnqueueAsync("m-0", "m-1", "m-2");
        var handledBy = new List<string>();

        var handled = await _outbox.ProcessNextPreparedAsync(
            MaxEvents,
            async (batch, ct) =>
            {
                // An import drains the first two meanwhile, in its own transaction.
                await _outbox.ProcessNextAsync(2, (taken, _) =>
                {
                    handledBy.AddRange(taken.Select(e => $"import {e.MessageId}"));
                    return Task.CompletedTask;
                }, ct);
                return _ => throw new InvalidOperationException("the write of a batch whose events were taken must not run");
            },
            (rest, _) =>
            {
                handledBy.AddRange(rest.Select(e => $"consumer {e.MessageId}"));
                return Task.CompletedTask;
            },
            CancellationToken.None);

        Assert.Equal(1, handled);
        Assert.Equal(["import m-0", "import m-1", "consumer m-2"], handledBy);
        Assert.Equal(0, await _outbox.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ProcessNextPreparedAsync_WriteFails_LeavesEveryEventQueued()
    {
        await EnqueueAsync("m-0", "m-1");

        await Assert.ThrowsAsync<InvalidOperationException>(() => _outbox.ProcessNextPreparedAsync(
            MaxEvents,
            (_, _) => Task.FromResult<Func<CancellationToken, Task>>(_ => throw new InvalidOperationException("store failed")),
            (_, _) => Task.CompletedTask,
            CancellationToken.None));

        Assert.Equal(2, await _outbox.CountAsync(CancellationToken.None));
    }

    private Task EnqueueAsync(params string[] messageIds) =>
        _outbox.EnqueueAsync(
            [.. messageIds.Select(id => new SegmentEvent { Type = EventTypes.Track, MessageId = id, UserId = "u-1", Event = "Order Completed", SourceId = "src_test" })],
            CancellationToken.None);
}
