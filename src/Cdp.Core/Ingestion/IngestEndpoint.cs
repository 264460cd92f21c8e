using Cdp.Core.Events;
using Cdp.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Ingestion;

/// <summary>
/// <c>POST /v1/{route}</c> on both hosts: refuse with 429 while the host is over its queue depth
/// (<see cref="IIngestGate"/>), read the body within Segment's limits, authenticate, check the page's origin against
/// the source and validate (<see cref="EventIntake"/>), make the accepted events durable (<see cref="IEventQueue"/>: the
/// local outbox, or Event Hubs in Azure), then answer. A 200 is only sent once the queue has the events. Every answer,
/// and the <c>OPTIONS</c> preflight, carries the CORS headers of <see cref="CrossOrigin"/>.
/// </summary>
public sealed partial class IngestEndpoint(EventIntake intake, IEventQueue queue, IIngestGate gate, ILogger<IngestEndpoint> logger)
{
    /// <summary>
    /// Bodies above this (decompressed) are refused with 413. It sits above Segment's 500 KB batch limit so that a
    /// slightly oversized batch still gets Core's 400 naming its exact size.
    /// </summary>
    public const int MaxRequestBytes = 600 * 1024;

    public static readonly BodyRules Body = new(MaxRequestBytes, AllowTextPlain: true,
        $"Segment's limits: {IngestionLimits.MaxBatchBytes} bytes per batch, {IngestionLimits.MaxEventBytes} per event",
        AllowFormLabel: true);

    public async Task<HttpAnswer> PostAsync(string route, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CrossOrigin.Apply(await AnswerAsync(route, request, cancellationToken), request);
    }

    /// <summary><c>OPTIONS /v1/{route}</c>: the browser's preflight, answered before it posts from another origin.</summary>
    public static HttpAnswer Preflight(string route, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IngestRoutes.Parse(route) is null
            ? CrossOrigin.Apply(IngestAnswers.UnknownRoute(route), request)
            : CrossOrigin.Preflight(request, IngestAnswers.Methods);
    }

    /// <summary>Any other method on an ingest route: 405, readable by the page that tried it.</summary>
    public static HttpAnswer MethodNotAllowed(string route, HttpRequest request) =>
        CrossOrigin.Apply(IngestAnswers.MethodNotAllowed(route), request);

    private async Task<HttpAnswer> AnswerAsync(string route, HttpRequest request, CancellationToken cancellationToken)
    {
        if (IngestRoutes.Parse(route) is not { } ingestRoute)
        {
            return IngestAnswers.UnknownRoute(route);
        }

        // Before the body is read: refusing costs the host nothing while it is behind.
        if (await gate.CheckAsync(cancellationToken) is { } pause)
        {
            return IngestAnswers.TooManyRequests(pause);
        }

        var read = await RequestBodies.ReadAsync(request, Body, cancellationToken);
        if (read.Refused)
        {
            return IngestAnswers.Refuse(read.Status, read.Error!);
        }

        // X-Retry-Count (analytics-node, analytics-next) needs nothing: a retried event keeps its messageId, and
        // processing deduplicates by messageId.
        var result = await intake.AcceptAsync(
            ingestRoute, request.Headers.Authorization, CrossOrigin.OriginOf(request), read.Body, cancellationToken);
        if (result.Status != IntakeStatus.Accepted)
        {
            return IngestAnswers.From(result);
        }

        return await TryEnqueueAsync(result.Accepted, cancellationToken) ?? IngestAnswers.From(result);
    }

    /// <summary>
    /// Null once the queue has the events. A 429 when the queue is throttling, a 503 when it failed for any other
    /// reason but the request's own cancellation (a client that hung up gets no answer either way). A client that
    /// retries after a partial send delivers some events twice; processing deduplicates them by messageId.
    /// </summary>
    private async Task<HttpAnswer?> TryEnqueueAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await queue.EnqueueAsync(events, cancellationToken);
            return null;
        }
        catch (QueueThrottledException ex)
        {
            LogQueueThrottled(logger, events.Count, ex.InnerException?.GetType().Name ?? ex.GetType().Name, ex.RetryAfterSeconds);
            return IngestAnswers.TooManyRequests(new IngestPause("the event queue is over its capacity", ex.RetryAfterSeconds));
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The exception comes from the queue (no event bodies in it); the events themselves are never logged.
            LogEnqueueFailed(logger, ex, events.Count, ex.GetType().Name);
            return IngestAnswers.Unavailable();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not make {Count} accepted events durable ({ExceptionType}); answered 503 with Retry-After")]
    private static partial void LogEnqueueFailed(ILogger logger, Exception exception, int count, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event queue throttled {Count} accepted events ({ExceptionType}); answered 429 with Retry-After {RetryAfterSeconds}")]
    private static partial void LogQueueThrottled(ILogger logger, int count, string exceptionType, int retryAfterSeconds);
}
