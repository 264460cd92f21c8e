using Cdp.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Ingestion;

/// <summary>
/// <c>POST /v1/{route}</c> on both hosts: read the body within Segment's limits, authenticate and validate
/// (<see cref="EventIntake"/>), make the accepted events durable (<see cref="IEventQueue"/>: the local outbox, or Event
/// Hubs in Azure), then answer. A 200 is only sent once the queue has the events.
/// </summary>
public sealed partial class IngestEndpoint(EventIntake intake, IEventQueue queue, ILogger<IngestEndpoint> logger)
{
    /// <summary>
    /// Bodies above this (decompressed) are refused with 413. It sits above Segment's 500 KB batch limit so that a
    /// slightly oversized batch still gets Core's 400 naming its exact size.
    /// </summary>
    public const int MaxRequestBytes = 600 * 1024;

    public static readonly BodyRules Body = new(MaxRequestBytes, AllowTextPlain: true,
        $"Segment's limits: {IngestionLimits.MaxBatchBytes} bytes per batch, {IngestionLimits.MaxEventBytes} per event");

    public async Task<HttpAnswer> PostAsync(string route, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IngestRoutes.Parse(route) is not { } ingestRoute)
        {
            return IngestAnswers.UnknownRoute(route);
        }

        var read = await RequestBodies.ReadAsync(request, Body, cancellationToken);
        if (read.Refused)
        {
            return IngestAnswers.Refuse(read.Status, read.Error!);
        }

        var result = await intake.AcceptAsync(ingestRoute, request.Headers.Authorization, read.Body, cancellationToken);
        return result.Status == IntakeStatus.Accepted && !await TryEnqueueAsync(result.Accepted, cancellationToken)
            ? IngestAnswers.Unavailable()
            : IngestAnswers.From(result);
    }

    /// <summary>
    /// True once the queue has the events. False when it failed for any reason but the request's own cancellation
    /// (a client that hung up gets no answer either way). A client that retries after a partial send delivers some
    /// events twice; processing deduplicates them by messageId.
    /// </summary>
    private async Task<bool> TryEnqueueAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await queue.EnqueueAsync(events, cancellationToken);
            return true;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The exception comes from the queue (no event bodies in it); the events themselves are never logged.
            LogEnqueueFailed(logger, ex, events.Count, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not make {Count} accepted events durable ({ExceptionType}); answered 503 with Retry-After")]
    private static partial void LogEnqueueFailed(ILogger logger, Exception exception, int count, string exceptionType);
}
