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

    /// <summary>Events waiting.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Completes when events may have been enqueued since the last call, or after <paramref name="timeout"/>.</summary>
    Task WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
