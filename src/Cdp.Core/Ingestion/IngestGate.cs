namespace Cdp.Core.Ingestion;

/// <summary>Why the host takes no events just now, and how long a client should wait before sending them again.</summary>
/// <param name="Reason">Said to the client; names no event and no other client.</param>
public sealed record IngestPause(string Reason, int RetryAfterSeconds);

/// <summary>
/// Port: whether the host can take more events right now. When its queue is over the configured depth the host
/// answers 429 with <c>Retry-After</c>, which the SDKs honour, rather than accepting work it cannot keep up with
/// until requests time out. The default never closes: Event Hubs reports its own throttling on send
/// (<see cref="QueueThrottledException"/>).
/// </summary>
public interface IIngestGate
{
    /// <summary>Null while events are taken; called once per ingest request, so it must be cheap.</summary>
    ValueTask<IngestPause?> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>The gate of a host with no queue depth to watch: always open.</summary>
public sealed class OpenIngestGate : IIngestGate
{
    public ValueTask<IngestPause?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IngestPause?>(null);
}

/// <summary>
/// Thrown by an <see cref="IEventQueue"/> whose service refused the events because it is over its capacity (busy or
/// over quota), as opposed to failing: the client is told 429 and when to retry, not 503.
/// </summary>
public sealed class QueueThrottledException : Exception
{
    public QueueThrottledException()
    {
    }

    public QueueThrottledException(string message)
        : base(message)
    {
    }

    public QueueThrottledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public QueueThrottledException(string message, int retryAfterSeconds, Exception innerException)
        : base(message, innerException)
    {
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>How long the client should wait; the queue's own estimate when it has one.</summary>
    public int RetryAfterSeconds { get; } = IngestAnswers.RetryAfterSeconds;
}
