using Cdp.Core.Events;
using Cdp.Core.Identity;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Processing;

/// <summary>What one processed batch did, for metrics and the import summary.</summary>
public sealed record ProcessingSummary(
    int Received, int Processed, int Duplicates, int Unidentified, int ProfilesCreated, int ProfilesUpdated, int IdentityConflicts)
{
    public int MergesRequested { get; init; }

    /// <summary>Events dropped because one of their identifiers is on the suppression list (an erased subject).</summary>
    public int Suppressed { get; init; }

    public static readonly ProcessingSummary Empty = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>
/// The processing side of ingestion, shared by the Event Hub trigger and the local outbox consumer: the order of the
/// steps in <c>Processing/</c> (raw batch, resolution, profile writing, identity linking). Each touched profile, its
/// timeline page and its new links are written once per batch. Safe to run again on the same batch (at-least-once
/// delivery): nothing is counted twice.
/// </summary>
public sealed partial class EventProcessor(
    RawBatches rawBatches,
    BatchResolver resolver,
    ProfileWriter writer,
    ILogger<EventProcessor> logger)
{
    /// <summary>Processes a batch; merges it finds are started through <paramref name="merges"/> before the batch is marked done.</summary>
    public async Task<ProcessingSummary> ProcessAsync(
        IReadOnlyList<SegmentEvent> events, IMergeScheduler merges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(merges);
        if (events.Count == 0)
        {
            return ProcessingSummary.Empty;
        }

        // 1. Drop repeats inside the batch, messages already processed, placeholders only and erased subjects.
        var raw = await rawBatches.OpenAsync(events, cancellationToken);
        if (raw.Fresh.Count == 0)
        {
            await rawBatches.MarkDoneAsync(raw, cancellationToken);
            return new ProcessingSummary(events.Count, 0, raw.Duplicates, raw.Unidentified, 0, 0, 0) { Suppressed = raw.Suppressed };
        }

        // 2. Land the raw events before anything refers to the file.
        var rawBlob = await rawBatches.ArchiveAsync(raw, cancellationToken);

        // 3. Resolve and apply, caching profiles and links for the rest of the batch (read in bulk up front).
        var batch = new BatchState();
        await resolver.ResolveAsync(raw.Fresh, batch, cancellationToken);

        // 4. Persist each profile once: timeline first (idempotent), then the profile, then the links that point at it.
        var created = 0;
        var updated = 0;
        foreach (var pending in batch.Profiles.Values.Where(p => p.Events.Count > 0).ToList())
        {
            var (wasCreated, conflicts) = await writer.SaveAsync(pending, rawBlob, batch, cancellationToken);
            if (wasCreated)
            {
                created++;
            }
            else
            {
                updated++;
            }

            batch.Conflicts += conflicts;
        }

        // 5. Merges are started before the batch is marked done: a crash in between replays the batch,
        //    which finds the same merges again (and starting one twice is a no-op).
        foreach (var request in batch.MergeRequests.Values)
        {
            LogMergeRequested(logger, request.InstanceId, string.Join(",", request.ProfileIds));
            await merges.ScheduleAsync(request, cancellationToken);
        }

        await rawBatches.MarkDoneAsync(raw, cancellationToken);
        return new ProcessingSummary(events.Count, raw.Fresh.Count, raw.Duplicates, raw.Unidentified, created, updated, batch.Conflicts)
        {
            MergesRequested = batch.MergeRequests.Count,
            Suppressed = raw.Suppressed,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Merge {InstanceId} requested for profiles {ProfileIds}")]
    private static partial void LogMergeRequested(ILogger logger, string instanceId, string profileIds);
}
