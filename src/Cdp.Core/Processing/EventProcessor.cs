using System.Diagnostics;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
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
/// A batch resolved but not yet written (<see cref="EventProcessor.PrepareAsync"/>): what its reads found and what it
/// decided. Only for <see cref="EventProcessor.CommitAsync"/> on the same processor.
/// </summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(IReadOnlyList<SegmentEvent> events, RawBatch raw, BatchState state)
    {
        Events = events;
        Raw = raw;
        State = state;
    }

    public IReadOnlyList<SegmentEvent> Events { get; }

    internal RawBatch Raw { get; }

    internal BatchState State { get; }
}

/// <summary>
/// The processing side of ingestion, shared by the Event Hub trigger and the local outbox consumer: the order of the
/// steps in <c>Processing/</c> (raw batch, resolution, profile writing, identity linking). Each touched profile, its
/// timeline page and its new links are written once per batch. Safe to run again on the same batch (at-least-once
/// delivery): nothing is counted twice.
/// </summary>
/// <remarks>
/// The steps before the first write only read, so a host whose writes share one lock (the embedded host's SQLite
/// database) can run them outside it: <see cref="PrepareAsync"/>, then <see cref="CommitAsync"/> under the lock.
/// Profiles and links read early are safe for the reason they are safe in Azure, where nothing is locked: every write
/// is conditional (ETag, create-if-absent) and a lost race re-reads. What conditional writes cannot catch is checked
/// again at commit: a message processed meanwhile, an identifier suppressed meanwhile (an erasure) — and then the batch
/// is processed again from the start, inside the commit.
/// </remarks>
public sealed partial class EventProcessor(
    RawBatches rawBatches,
    BatchResolver resolver,
    ProfileWriter writer,
    ProcessingMetrics metrics,
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

        return await WriteAsync(await PrepareAsync(events, cancellationToken), merges, cancellationToken);
    }

    /// <summary>
    /// The reading half of <see cref="ProcessAsync"/>: drops repeats, placeholders and erased subjects, then resolves
    /// every event to its person and applies it to an in-memory profile. Writes nothing.
    /// </summary>
    public async Task<PreparedBatch> PrepareAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);

        // 1. Drop repeats inside the batch, messages already processed, placeholders only and erased subjects.
        var started = Stopwatch.GetTimestamp();
        var raw = await rawBatches.OpenAsync(events, cancellationToken);
        metrics.PhaseEnded(ProcessingPhases.Screen, started);

        // 2. Resolve and apply, caching profiles and links for the rest of the batch (read in bulk up front).
        var state = new BatchState();
        if (raw.Fresh.Count > 0)
        {
            await resolver.ResolveAsync(raw.Fresh, state, cancellationToken);
        }

        return new PreparedBatch(events, raw, state);
    }

    /// <summary>
    /// The writing half, for a batch prepared earlier (outside the caller's lock). When a message of the batch was
    /// processed or one of its identifiers suppressed since, the batch is processed again from the start.
    /// </summary>
    public async Task<ProcessingSummary> CommitAsync(PreparedBatch prepared, IMergeScheduler merges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(merges);
        if (prepared.Events.Count == 0)
        {
            return ProcessingSummary.Empty;
        }

        if (await rawBatches.ChangedSinceOpenedAsync(prepared.Raw, cancellationToken))
        {
            LogPreparedBatchStale(logger, prepared.Events.Count);
            return await ProcessAsync(prepared.Events, merges, cancellationToken);
        }

        return await WriteAsync(prepared, merges, cancellationToken);
    }

    private async Task<ProcessingSummary> WriteAsync(PreparedBatch prepared, IMergeScheduler merges, CancellationToken cancellationToken)
    {
        var (events, raw, batch) = (prepared.Events, prepared.Raw, prepared.State);
        if (raw.Fresh.Count == 0)
        {
            await MarkDoneAsync(raw, cancellationToken);
            return new ProcessingSummary(events.Count, 0, raw.Duplicates, raw.Unidentified, 0, 0, 0) { Suppressed = raw.Suppressed };
        }

        // 3. Land the raw events before anything refers to the file.
        var started = Stopwatch.GetTimestamp();
        var rawBlob = await rawBatches.ArchiveAsync(raw, cancellationToken);
        metrics.PhaseEnded(ProcessingPhases.Archive, started);

        // 4. Persist each profile once: timeline first (idempotent), then the profile, then the links that point at it.
        started = Stopwatch.GetTimestamp();
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

        metrics.PhaseEnded(ProcessingPhases.Write, started);
        await MarkDoneAsync(raw, cancellationToken);
        return new ProcessingSummary(events.Count, raw.Fresh.Count, raw.Duplicates, raw.Unidentified, created, updated, batch.Conflicts)
        {
            MergesRequested = batch.MergeRequests.Count,
            Suppressed = raw.Suppressed,
        };
    }

    private async Task MarkDoneAsync(RawBatch raw, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await rawBatches.MarkDoneAsync(raw, cancellationToken);
        metrics.PhaseEnded(ProcessingPhases.Mark, started);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A prepared batch of {Count} events went stale before its commit (processed or suppressed meanwhile); processing it again")]
    private static partial void LogPreparedBatchStale(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Merge {InstanceId} requested for profiles {ProfileIds}")]
    private static partial void LogMergeRequested(ILogger logger, string instanceId, string profileIds);
}
