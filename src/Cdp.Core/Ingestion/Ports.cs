using Cdp.Core.Events;

namespace Cdp.Core.Ingestion;

/// <summary>Port: where accepted events wait for processing (an outbox locally, Event Hubs in Azure).</summary>
public interface IEventQueue
{
    /// <summary>Returns only once the events are durable.</summary>
    Task EnqueueAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken);
}

/// <summary>Port: messageIds already processed, shared by every processing instance.</summary>
public interface IDedupStore
{
    /// <summary>The subset of <paramref name="messageIds"/> processed within the window.</summary>
    Task<IReadOnlySet<string>> FindProcessedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);

    /// <summary>Records the messageIds as processed until <paramref name="expiresAt"/>; idempotent.</summary>
    Task MarkProcessedAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Forgets the messageIds (erasure); returns how many were recorded. Default: not supported by this store.</summary>
    Task<int> ForgetAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot forget messageIds yet, so privacy erasure cannot run on it");
}

/// <summary>Port: the immutable raw-event landing archive (blob container <c>raw-events</c>).</summary>
public interface IRawEventArchive
{
    /// <summary>Writes (or overwrites with the same bytes) one NDJSON file at <paramref name="path"/>.</summary>
    Task WriteAsync(string path, ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken);

    /// <summary>Reads a file, or null when it does not exist.</summary>
    Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken);
}

/// <summary>
/// Port: messages from the event queue that can never be processed, kept with their reason (blob container
/// <c>dead-letters</c>) so that nothing is dropped silently and an operator can fix and replay them.
/// </summary>
public interface IDeadLetterArchive
{
    /// <summary>Stores the dead letter. Storing the same message again overwrites its entry instead of adding one.</summary>
    Task WriteAsync(DeadLetter deadLetter, CancellationToken cancellationToken);
}

/// <summary>Port: which failures are worth waiting out (a store unavailable or throttling) rather than counted against a message.</summary>
public interface ITransientFaults
{
    bool IsTransient(Exception exception);
}
