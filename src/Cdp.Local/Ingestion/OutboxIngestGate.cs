using System.ComponentModel.DataAnnotations;
using Cdp.Core.Ingestion;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Ingestion;

/// <summary>How much the local host takes in before it asks clients to wait, bound from <c>Cdp:Local:Ingestion</c>.</summary>
public sealed class LocalIngestionOptions
{
    public const string SectionName = "Cdp:Local:Ingestion";

    /// <summary>
    /// Events waiting in the outbox at which ingest answers 429 with <c>Retry-After</c> instead of queueing more. The
    /// default is far above a healthy backlog: it only stops a host whose processing fell hours behind (or is off).
    /// </summary>
    [Range(1, long.MaxValue, ErrorMessage = "Cdp:Local:Ingestion:MaxQueueDepth must be at least 1")]
    public long MaxQueueDepth { get; set; } = 1_000_000;

    /// <summary>Seconds a refused client is told to wait (<c>Retry-After</c>).</summary>
    [Range(1, 3600, ErrorMessage = "Cdp:Local:Ingestion:RetryAfterSeconds must be between 1 and 3600")]
    public int RetryAfterSeconds { get; set; } = 5;
}

/// <summary>
/// Closes ingest while the outbox holds <see cref="LocalIngestionOptions.MaxQueueDepth"/> events or more. The depth
/// is read at most every <see cref="RefreshInterval"/> and shared by the requests in between, so a flood of requests
/// costs one cheap query per interval; the gate may let in one interval's worth of requests past the limit.
/// </summary>
internal sealed partial class OutboxIngestGate(
    ILocalOutbox outbox, IOptions<LocalIngestionOptions> options, TimeProvider time, ILogger<OutboxIngestGate> logger) : IIngestGate
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(100);

    private long _depth;
    private long _readAt;
    private int _read;
    private int _refreshing;

    public async ValueTask<IngestPause?> CheckAsync(CancellationToken cancellationToken)
    {
        if (IsStale() && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            try
            {
                Volatile.Write(ref _depth, await outbox.CountAsync(cancellationToken));
                Volatile.Write(ref _readAt, time.GetTimestamp());
                Volatile.Write(ref _read, 1);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The depth stays as last read: the enqueue that follows meets the same fault and answers 503 for it.
                LogDepthUnknown(logger, ex);
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        }

        var max = options.Value.MaxQueueDepth;
        return Volatile.Read(ref _depth) >= max
            ? new IngestPause($"the host is behind: its event queue holds {max} events or more", options.Value.RetryAfterSeconds)
            : null;
    }

    private bool IsStale() =>
        Volatile.Read(ref _read) == 0 || time.GetElapsedTime(Volatile.Read(ref _readAt)) >= RefreshInterval;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the outbox depth; ingest keeps the last depth read")]
    private static partial void LogDepthUnknown(ILogger logger, Exception exception);
}
