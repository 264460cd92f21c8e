using Cdp.Core.Events;
using Cdp.Core.Ingestion;

namespace Cdp.Local.Ingestion;

/// <summary>
/// The embedded host's stand-in for Event Hubs: accepted events are committed to a SQLite outbox
/// table before the HTTP 200, and consumed in batches by the same processor the Event Hub trigger calls.
/// </summary>
public interface ILocalOutbox : IEventQueue
{
    /// <summary>
    /// Hands up to <paramref name="maxEvents"/> of the oldest queued events to <paramref name="handler"/>
    /// inside one store transaction; they leave the outbox in that same commit, so a crash at any point
    /// leaves them queued. Returns how many events were handled (0 when the outbox is empty).
    /// </summary>
    Task<int> ProcessNextAsync(
        int maxEvents,
        Func<IReadOnlyList<SegmentEvent>, CancellationToken, Task> handler,
        CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ProcessNextAsync"/>, but when the oldest events are fewer than <paramref name="maxEvents"/> (the
    /// consumer has caught up) <paramref name="prepare"/> runs before the transaction, so enqueues are not held up by
    /// the batch's reads, and the write step it returns runs inside the transaction that takes the events out of the
    /// outbox. A full batch (a backlog) goes to <paramref name="handler"/> inside the transaction, as
    /// <see cref="ProcessNextAsync"/> does: then holding enqueues back is what keeps the backlog from growing.
    /// Returns how many events were handled.
    /// </summary>
    Task<int> ProcessNextPreparedAsync(
        int maxEvents,
        Func<IReadOnlyList<SegmentEvent>, CancellationToken, Task<Func<CancellationToken, Task>>> prepare,
        Func<IReadOnlyList<SegmentEvent>, CancellationToken, Task> handler,
        CancellationToken cancellationToken);

    /// <summary>Events waiting.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Completes when events may have been enqueued since the last call, or after <paramref name="timeout"/>.</summary>
    Task WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
