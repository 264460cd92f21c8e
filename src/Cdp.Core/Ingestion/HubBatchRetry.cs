using System.Runtime.ExceptionServices;
using Cdp.Core.Events;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Ingestion;

/// <summary>What became of one hub batch: events processed, and messages set aside as dead letters.</summary>
public sealed record HubBatchOutcome(int Processed, int DeadLettered);

/// <summary>
/// Processes one batch from the event hub so that it neither loses events nor stalls its partition.
/// <list type="number">
/// <item>Messages that are not events are dead-lettered with the reader's reason (never dropped silently).</item>
/// <item>The events are processed together, retried with capped back-off up to the configured attempts.</item>
/// <item>If the batch still fails, each event is processed alone with the same retries; one that keeps failing with a
/// non-transient error is dead-lettered with its reason, and the others go through.</item>
/// <item>Transient failures (a store down or throttling) never dead-letter anything: they are waited out until they
/// pass or the invocation is cancelled.</item>
/// <item>An invocation that ends before every event is processed or set aside (cancelled at shutdown or when the
/// partition moves, or a dead letter that cannot be stored) hands the unfinished events back to the queue and then
/// fails: the Functions Event Hubs extension this app runs on checkpoints past a batch however its invocation ended
/// (ADR 0007), so the queue is where they stay safe.</item>
/// </list>
/// Processing is idempotent (EventProcessor deduplicates by messageId, ADR 0003), so the events of a failed batch that
/// did land before the failure, and events handed back that the hub also redelivers, are not counted twice.
/// </summary>
public sealed partial class HubBatchRetry(
    QueuedEventReader reader,
    IDeadLetterArchive deadLetters,
    IEventQueue queue,
    RetryLoop retry,
    ProcessingMetrics metrics,
    TimeProvider time,
    ILogger<HubBatchRetry> logger)
{
    public async Task<HubBatchOutcome> ProcessAsync(
        IReadOnlyList<string?> messages,
        HubBatchOrigin origin,
        Func<IReadOnlyList<SegmentEvent>, CancellationToken, Task> process,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(process);
        var batch = new Batch(messages, origin);
        var (events, unreadable) = Read(messages);
        var finished = 0;
        try
        {
            foreach (var (index, reason) in unreadable)
            {
                await SetAsideAsync(batch, index, null, DeadLetterKinds.NotAnEvent, reason, 0, null, cancellationToken);
            }

            var together = events.Count == 0
                ? null
                : await retry.RunAsync(ct => process(EventsOf(events), ct), RetryTarget.Batch(events.Count), cancellationToken);
            if (together is null)
            {
                finished = events.Count;
                return new HubBatchOutcome(events.Count, unreadable.Count);
            }

            LogIsolating(logger, events.Count, origin.PartitionId);
            var poison = 0;
            for (; finished < events.Count; finished++)
            {
                var (index, e) = events[finished];
                if (await retry.RunAsync(ct => process([e], ct), RetryTarget.Message(index, e.MessageId), cancellationToken) is { } failure)
                {
                    var type = failure.Exception.GetType();
                    await SetAsideAsync(batch, index, e.MessageId, DeadLetterKinds.ProcessingFailed, $"{type.FullName}: {failure.Exception.Message}", failure.Tries, type.Name, cancellationToken);
                    poison++;
                }
            }

            return new HubBatchOutcome(events.Count - poison, unreadable.Count + poison);
        }
        catch (Exception ex)
        {
            await HandBackAsync(events.GetRange(finished, events.Count - finished), messages.Count, ex);
            throw;
        }
    }

    private (List<(int Index, SegmentEvent Event)> Events, List<(int Index, string Reason)> Unreadable) Read(IReadOnlyList<string?> messages)
    {
        var receivedAt = time.GetUtcNow();
        var events = new List<(int, SegmentEvent)>(messages.Count);
        var unreadable = new List<(int, string)>();
        for (var i = 0; i < messages.Count; i++)
        {
            var (e, error) = reader.ReadOne(messages[i], receivedAt);
            if (e is null)
            {
                unreadable.Add((i, error!));
            }
            else
            {
                events.Add((i, e));
            }
        }

        return (events, unreadable);
    }

    private static List<SegmentEvent> EventsOf(List<(int Index, SegmentEvent Event)> events) => events.ConvertAll(e => e.Event);

    /// <summary>Stores a dead letter, retried like processing; one that cannot be stored fails the invocation.</summary>
    private async Task SetAsideAsync(
        Batch batch, int index, string? messageId, string kind, string reason, int attempts, string? exceptionType, CancellationToken cancellationToken)
    {
        var letter = new DeadLetter
        {
            Message = batch.Messages[index] ?? string.Empty,
            Kind = kind,
            Reason = reason,
            Attempts = attempts,
            DeadLetteredAt = time.GetUtcNow(),
            Index = index,
            BatchSize = batch.Messages.Count,
            MessageId = messageId,
            PartitionId = batch.Origin.PartitionId,
            SequenceNumber = batch.Origin.SequenceNumberAt(index),
            EnqueuedAt = batch.Origin.EnqueuedAt(index),
        };
        if (await retry.RunAsync(ct => deadLetters.WriteAsync(letter, ct), RetryTarget.DeadLetter(index), cancellationToken) is { } failure)
        {
            ExceptionDispatchInfo.Capture(failure.Exception).Throw();
        }

        metrics.DeadLettered(kind);
        if (exceptionType is null)
        {
            // The reader's reasons name the field and the rule, never a value.
            LogNotAnEvent(logger, index, letter.BatchSize, letter.PartitionId, letter.SequenceNumber, reason);
        }
        else
        {
            LogDeadLettered(logger, index, letter.BatchSize, messageId, letter.PartitionId, letter.SequenceNumber, attempts, exceptionType);
        }
    }

    /// <summary>
    /// Puts unfinished events back on the queue. Not with the invocation's token (it has usually fired): the queue
    /// bounds its own wait. If even that fails there is nothing left to try, and the events are only in the log's count.
    /// </summary>
    private async Task HandBackAsync(List<(int Index, SegmentEvent Event)> unfinished, int batchSize, Exception cause)
    {
        if (unfinished.Count == 0)
        {
            return;
        }

        try
        {
            await queue.EnqueueAsync(EventsOf(unfinished), CancellationToken.None);
            metrics.HandedBack(unfinished.Count);
            LogHandedBack(logger, unfinished.Count, batchSize, cause.GetType().Name);
        }
        catch (Exception ex)
        {
            LogHandBackFailed(logger, ex, unfinished.Count, batchSize, cause.GetType().Name);
        }
    }

    private sealed record Batch(IReadOnlyList<string?> Messages, HubBatchOrigin Origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub batch of {Count} events (partition {PartitionId}) kept failing; processing each event alone to set the poison ones aside")]
    private static partial void LogIsolating(ILogger logger, int count, string? partitionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered hub message {Index} of {BatchSize} (messageId {MessageId}, partition {PartitionId}, sequence {SequenceNumber}) after {Attempts} tries: {ExceptionType}")]
    private static partial void LogDeadLettered(ILogger logger, int index, int batchSize, string? messageId, string? partitionId, long? sequenceNumber, int attempts, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered hub message {Index} of {BatchSize} (partition {PartitionId}, sequence {SequenceNumber}): not an event: {Reason}")]
    private static partial void LogNotAnEvent(ILogger logger, int index, int batchSize, string? partitionId, long? sequenceNumber, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub invocation ended early ({ExceptionType}); handed {Count} unfinished events of {BatchSize} back to the queue")]
    private static partial void LogHandedBack(ILogger logger, int count, int batchSize, string exceptionType);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Hub invocation ended early ({ExceptionType}) and {Count} unfinished events of {BatchSize} could not be handed back to the queue; if the host checkpoints past the batch they are lost")]
    private static partial void LogHandBackFailed(ILogger logger, Exception exception, int count, int batchSize, string exceptionType);
}
