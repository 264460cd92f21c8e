using System.Threading.Channels;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Local.Storage;

namespace Cdp.Local.Ingestion;

/// <summary>
/// The outbox table. Enqueues use group commit: one writer loop collects every enqueue waiting at that moment and
/// commits them in one transaction, so many concurrent requests share one fsync and each still returns only
/// once its events are durable.
/// </summary>
public sealed class SqliteOutbox : ILocalOutbox, IAsyncDisposable, IDisposable
{
    /// <summary>Caps one group commit, so a flood of requests cannot hold the write lock for long.</summary>
    private const int MaxRowsPerCommit = 10_000;

    private const string InsertSql = "INSERT INTO outbox (body) VALUES ($body)";
    private const string OldestSql = "SELECT seq, body FROM outbox ORDER BY seq LIMIT $limit";
    private const string DeleteSql = "DELETE FROM outbox WHERE seq <= $last";
    /// <summary>
    /// The count without a scan (count(*) reads every row's page, a gigabyte at a million queued events, and ingest
    /// asks for it under load): two seeks on the rowid. Exact, because rows leave only from the front
    /// (<see cref="DeleteSql"/> takes every seq up to the last one handled) and AUTOINCREMENT numbers committed rows
    /// without gaps (a rolled-back insert rolls its sequence back with it). Two sub-selects, because SQLite only seeks
    /// for a query with a single min() or max().
    /// </summary>
    private const string CountSql = "SELECT coalesce((SELECT max(seq) FROM outbox) - (SELECT min(seq) FROM outbox) + 1, 0)";

    private readonly SqliteDatabase _database;
    private readonly Channel<PendingEnqueue> _pending = Channel.CreateUnbounded<PendingEnqueue>(
        new UnboundedChannelOptions { SingleReader = true });

    // Starts signalled: rows left by a previous run are events the consumer has not yet seen.
    private readonly SemaphoreSlim _signal = new(1, 1);
    private readonly Lock _signalGate = new();
    private readonly Task _writerLoop;

    public SqliteOutbox(SqliteDatabase database)
    {
        _database = database;

        // Without the caller's execution context, so the loop never inherits an ambient transaction.
        using (ExecutionContext.SuppressFlow())
        {
            _writerLoop = Task.Run(WriteLoopAsync);
        }
    }

    public async Task EnqueueAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        // Serialised on the caller's thread, so the single writer only inserts; into a pooled buffer that the writer
        // loop gives back once the rows are committed (or have failed), whether or not the caller still waits.
        var bodies = new PooledBodies();
        foreach (var e in events)
        {
            bodies.Add(e, CdpJsonContext.Default.SegmentEvent);
        }

        if (_database.InTransaction)
        {
            // Inside a transaction the writer loop would wait for the lock this flow holds: write in place.
            using (bodies)
            {
                await _database.WriteAsync(session => Insert(session, bodies), cancellationToken);
            }

            Signal();
            return;
        }

        var item = new PendingEnqueue(bodies);
        if (!_pending.Writer.TryWrite(item))
        {
            bodies.Dispose();
            throw new ObjectDisposedException(nameof(SqliteOutbox));
        }

        // Cancelling stops the wait, not the commit: a cancelled caller's events may still be queued (at-least-once).
        await item.Committed.Task.WaitAsync(cancellationToken);
    }

    public async Task<int> ProcessNextAsync(
        int maxEvents,
        Func<IReadOnlyList<SegmentEvent>, CancellationToken, Task> handler,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        ArgumentNullException.ThrowIfNull(handler);
        var handled = 0;
        await _database.RunInTransactionAsync(async () =>
        {
            var (events, lastSeq) = _database.Read(session => ReadOldest(session, maxEvents));
            if (events.Count == 0)
            {
                return;
            }

            await handler(events, cancellationToken);
            await DeleteThroughAsync(lastSeq, cancellationToken);
            handled = events.Count;
        }, cancellationToken);
        return handled;
    }

    public async Task<int> ProcessNextPreparedAsync(
        int maxEvents,
        Func<IReadOnlyList<SegmentEvent>, CancellationToken, Task<Func<CancellationToken, Task>>> prepare,
        Func<IReadOnlyList<SegmentEvent>, CancellationToken, Task> handler,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        ArgumentNullException.ThrowIfNull(prepare);
        ArgumentNullException.ThrowIfNull(handler);

        // A backlog is read inside the transaction, as ProcessNextAsync does: events committed while the consumer
        // waited for the lock join this batch instead of waiting a whole batch more.
        if (!LocalProcessingOptions.CaughtUp(await CountAsync(cancellationToken), maxEvents))
        {
            return await ProcessNextAsync(maxEvents, handler, cancellationToken);
        }

        var (events, lastSeq) = _database.Read(session => ReadOldest(session, maxEvents));
        if (events.Count == 0)
        {
            return 0;
        }

        var write = await prepare(events, cancellationToken);
        try
        {
            await _database.RunInTransactionAsync(async () =>
            {
                // The rows are the claim on the batch: another drainer (an import) may have taken some since they were
                // read. Rows leave only from the front and new ones come after lastSeq, so the delete removes exactly
                // as many as were read unless that happened; then the transaction is undone, deletes included.
                if (await DeleteThroughAsync(lastSeq, cancellationToken) != events.Count)
                {
                    throw new ClaimLostException();
                }

                await write(cancellationToken);
            }, cancellationToken);
            return events.Count;
        }
        catch (ClaimLostException)
        {
            return await ProcessNextAsync(maxEvents, handler, cancellationToken);
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_database.Read(session => (long)session.Command(CountSql).ExecuteScalar()!));
    }

    public async Task WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _signal.WaitAsync(timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writerLoop;
        _signal.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        var group = new List<PendingEnqueue>();
        while (await reader.WaitToReadAsync())
        {
            group.Clear();
            var rows = 0;
            while (rows < MaxRowsPerCommit && reader.TryRead(out var item))
            {
                group.Add(item);
                rows += item.Bodies.Count;
            }

            Exception? failure = null;
            try
            {
                await _database.WriteAsync(session =>
                {
                    foreach (var item in group)
                    {
                        Insert(session, item.Bodies);
                    }

                    return rows;
                }, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Nothing of this group was committed: every caller in it gets the failure and may retry.
                failure = ex;
            }

            // Either way the group's rows are settled, so its buffers go back to the pool.
            foreach (var item in group)
            {
                if (failure is null)
                {
                    item.Committed.TrySetResult();
                }
                else
                {
                    item.Committed.TrySetException(failure);
                }

                item.Bodies.Dispose();
            }

            if (failure is null)
            {
                Signal();
            }
        }
    }

    private static int Insert(SqliteSession session, PooledBodies bodies)
    {
        var command = session.Command(InsertSql, "$body");
        for (var i = 0; i < bodies.Count; i++)
        {
            command.Parameters[0].Value = bodies[i];
            command.ExecuteNonQuery();
        }

        return bodies.Count;
    }

    /// <summary>Takes the events up to and including <paramref name="lastSeq"/> out of the outbox; returns how many rows went.</summary>
    private Task<int> DeleteThroughAsync(long lastSeq, CancellationToken cancellationToken) =>
        _database.WriteAsync(session =>
        {
            var command = session.Command(DeleteSql, "$last");
            command.Parameters[0].Value = lastSeq;
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private static (IReadOnlyList<SegmentEvent> Events, long LastSeq) ReadOldest(SqliteSession session, int maxEvents)
    {
        var command = session.Command(OldestSql, "$limit");
        command.Parameters[0].Value = maxEvents;
        var seqs = new List<long>(Math.Min(maxEvents, 1024));
        using var bodies = new PooledBodies();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                seqs.Add(reader.GetInt64(0));
                bodies.Read(reader, 1);
            }
        }

        var events = BulkJson.Deserialize(bodies, CdpJsonContext.Default.SegmentEvent, i => $"outbox row {seqs[i]}");
        return (events, seqs.Count == 0 ? 0L : seqs[^1]);
    }

    /// <summary>Auto-reset: one signal however many enqueues happened since the consumer last waited.</summary>
    private void Signal()
    {
        lock (_signalGate)
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
    }

    /// <summary>A prepared batch whose rows another drainer took first.</summary>
    private sealed class ClaimLostException : Exception;

    private sealed class PendingEnqueue(PooledBodies bodies)
    {
        public PooledBodies Bodies { get; } = bodies;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
