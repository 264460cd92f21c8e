using Cdp.Core.Ingestion;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Ingestion;

/// <summary>Makes accepted events durable before ingest answers; a failure becomes a 503 the client retries.</summary>
internal static partial class AcceptedEvents
{
    /// <summary>
    /// True once the queue has the events. False when it failed for any reason but the request's own cancellation
    /// (a client that hung up gets no answer either way). A client that retries after a partial send delivers some
    /// events twice; processing deduplicates them by messageId.
    /// </summary>
    public static async Task<bool> TryEnqueueAsync(IEventQueue queue, IReadOnlyList<SegmentEvent> events, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await queue.EnqueueAsync(events, cancellationToken);
            return true;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The exception comes from the queue client (no event bodies in it); the events themselves are not logged.
            LogEnqueueFailed(logger, ex, events.Count, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not make {Count} accepted events durable ({ExceptionType}); answered 503 with Retry-After")]
    private static partial void LogEnqueueFailed(ILogger logger, Exception exception, int count, string exceptionType);
}
