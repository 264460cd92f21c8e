using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Processing;

/// <summary>
/// A delivered batch after the checks that need no profile: the events still to process with their identifiers,
/// and what was set aside (repeats, placeholders only, erased subjects). <see cref="ToMark"/> is every messageId of the
/// delivery not yet marked done, set aside ones included, so that a redelivery finds them all duplicates.
/// <see cref="SuppressionKeys"/> are the suppression keys of the fresh events' identifiers, as they were looked up.
/// <see cref="Ndjson"/> is the archive file's content, being rendered meanwhile (see <see cref="RawBatches.OpenAsync"/>).
/// </summary>
internal sealed record RawBatch(
    List<(SegmentEvent Event, List<HashedIdentifier> Ids)> Fresh, int Duplicates, int Unidentified, int Suppressed, List<string> ToMark,
    IReadOnlySet<string> SuppressionKeys, Task<ReadOnlyMemory<byte>> Ndjson);

/// <summary>The raw side of processing: deduplication, identifier extraction, suppression, the landing archive, marking done.</summary>
public sealed partial class RawBatches(
    IdentifierExtractor extractor,
    IdentityHasher hasher,
    IDedupStore dedup,
    IRawEventArchive archive,
    ISuppressionList suppressions,
    SuppressionKeys suppressionKeys,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<RawBatches> logger)
{
    private readonly ProcessingOptions _options = options.Value;

    /// <summary>Drops repeats inside the batch, messages already processed, events nobody can be found for and erased subjects' events.</summary>
    internal async Task<RawBatch> OpenAsync(IReadOnlyList<SegmentEvent> events, CancellationToken ct)
    {
        var unique = new Dictionary<string, SegmentEvent>(events.Count, StringComparer.Ordinal);
        foreach (var e in events)
        {
            unique.TryAdd(e.MessageId ?? throw new ArgumentException("every queued event has a messageId", nameof(events)), e);
        }

        var done = await dedup.FindProcessedAsync(unique.Keys, ct);
        var fresh = new List<(SegmentEvent Event, List<HashedIdentifier> Ids)>(unique.Count);
        var unidentified = 0;
        foreach (var e in unique.Values)
        {
            if (done.Contains(e.MessageId!))
            {
                continue;
            }

            var ids = extractor.Extract(e).ConvertAll(hasher.WithHash);
            if (ids.Count == 0)
            {
                // Every identifier was a blocked placeholder: there is nobody to attach this to.
                unidentified++;
                LogUnidentified(logger, e.MessageId!);
                continue;
            }

            fresh.Add((e, ids));
        }

        // Erased subjects' new events are dropped before anything lands (and marked done, so a redelivery is a duplicate).
        var (suppressed, suppressionKeys) = await DropSuppressedAsync(fresh, ct);
        var duplicates = events.Count - unique.Count + done.Count;
        var toMark = unique.Keys.Where(id => !done.Contains(id)).ToList();

        // The archive file's lines are rendered on another core while the batch is resolved: processing only reads
        // events, never changes them, and the one consumer of a host leaves the machine's other cores to spare. The
        // file itself is still written at commit, after the re-checks, so a batch found stale leaves no file behind.
        var ndjson = fresh.Count == 0 ? Task.FromResult(ReadOnlyMemory<byte>.Empty) : Task.Run(() => ToNdjson(fresh), ct);
        return new RawBatch(fresh, duplicates, unidentified, suppressed, toMark, suppressionKeys, ndjson);
    }

    /// <summary>Lands the raw events before anything refers to the file; returns its path.</summary>
    internal async Task<string> ArchiveAsync(RawBatch batch, CancellationToken ct)
    {
        var rawBlob = RawArchivePath.For(batch.Fresh[0].Event.ReceivedAt ?? time.GetUtcNow(), BatchId(batch.Fresh));
        await archive.WriteAsync(rawBlob, await batch.Ndjson, ct);
        return rawBlob;
    }

    /// <summary>
    /// Whether a message of the batch was marked processed, or one of its identifiers suppressed, since
    /// <see cref="OpenAsync"/> read: what a batch prepared outside the writer's lock cannot otherwise tell.
    /// </summary>
    internal async Task<bool> ChangedSinceOpenedAsync(RawBatch batch, CancellationToken ct)
    {
        if (batch.ToMark.Count > 0 && (await dedup.FindProcessedAsync(batch.ToMark, ct)).Count > 0)
        {
            return true;
        }

        return batch.SuppressionKeys.Count > 0 && (await suppressions.FindAsync(batch.SuppressionKeys, ct)).Count > 0;
    }

    internal Task MarkDoneAsync(RawBatch batch, CancellationToken ct) =>
        batch.ToMark.Count == 0
            ? Task.CompletedTask
            : dedup.MarkProcessedAsync(batch.ToMark, time.GetUtcNow() + _options.DedupWindow, ct);

    /// <summary>
    /// Removes the events carrying a suppressed identifier (one batched look-up); returns how many, and the keys of the
    /// events that stay.
    /// </summary>
    private async Task<(int Dropped, IReadOnlySet<string> Kept)> DropSuppressedAsync(
        List<(SegmentEvent Event, List<HashedIdentifier> Ids)> fresh, CancellationToken ct)
    {
        var keys = fresh.ConvertAll(f => f.Ids.ConvertAll(id => suppressionKeys.For(id.Type, id.Value)));
        var all = keys.SelectMany(k => k).ToHashSet(StringComparer.Ordinal);
        if (all.Count == 0)
        {
            return (0, all);
        }

        var listed = await suppressions.FindAsync(all, ct);
        if (listed.Count == 0)
        {
            return (0, all);
        }

        var suppressedKeys = listed.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var dropped = 0;
        for (var i = fresh.Count - 1; i >= 0; i--)
        {
            if (keys[i].Exists(suppressedKeys.Contains))
            {
                LogSuppressed(logger, fresh[i].Event.MessageId!);
                fresh.RemoveAt(i);
                keys.RemoveAt(i);
                dropped++;
            }
        }

        return (dropped, keys.SelectMany(k => k).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>A redelivered batch gets the same archive file name, so re-archiving overwrites rather than adds.</summary>
    private static string BatchId(List<(SegmentEvent Event, List<HashedIdentifier> Ids)> fresh)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (e, _) in fresh)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(e.MessageId!));
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    private static ReadOnlyMemory<byte> ToNdjson(List<(SegmentEvent Event, List<HashedIdentifier> Ids)> fresh)
    {
        var buffer = new ArrayBufferWriter<byte>(fresh.Count * 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            foreach (var (e, _) in fresh)
            {
                JsonSerializer.Serialize(writer, e, CdpJsonContext.Default.SegmentEvent);
                writer.Flush();
                writer.Reset();
                buffer.Write("\n"u8);
            }
        }

        return buffer.WrittenMemory;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} carries a suppressed identifier (an erased subject); dropped")]
    private static partial void LogSuppressed(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} carries only blocked or malformed identifiers; not attached to a profile")]
    private static partial void LogUnidentified(ILogger logger, string messageId);
}
