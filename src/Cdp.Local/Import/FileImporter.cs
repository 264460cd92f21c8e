using System.Globalization;
using System.Text;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Local.Identity;
using Cdp.Local.Ingestion;

namespace Cdp.Local.Import;

/// <summary>What an import did, for the summary and the exit code.</summary>
public sealed record ImportSummary(
    int Records, int Accepted, int Rejected, IReadOnlyList<ImportRejection> FirstRejections, int Processed, int Duplicates);

/// <summary>A refused row, by the line it came from.</summary>
public sealed record ImportRejection(int Line, string Reason);

/// <summary>
/// Bulk import of offline data. Rows go through the very intake an HTTP batch goes through (as batch items, in
/// chunks within Segment's limits), are queued in the outbox, and the outbox is then drained with Core's processor:
/// so an imported row and a tracked event follow one set of rules.
/// </summary>
public sealed class FileImporter(
    EventNormalizer normalizer,
    ILocalOutbox outbox,
    EventProcessor processor,
    PendingMerges merges,
    TimeProvider time)
{
    public const int MaxRejectionsShown = 10;

    /// <summary>Leaves room under Segment's 500 KB for the batch envelope.</summary>
    internal const int MaxChunkBytes = IngestionLimits.MaxBatchBytes - 1024;

    internal const int MaxChunkEvents = 500;

    /// <summary>The import token is only ever seen by <see cref="ImportSource"/>: the caller has already chosen the source.</summary>
    private static readonly string ImportAuthorization = "Basic " + Convert.ToBase64String("import:"u8);

    public async Task<ImportSummary> ImportAsync(
        IAsyncEnumerable<ImportRecord> records, Source source, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(progress);
        var intake = new EventIntake(new ImportSource(source), normalizer, time);
        var tally = new Tally();
        var chunk = new List<ImportRecord>(MaxChunkEvents);
        var chunkBytes = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            tally.Records++;
            if (record.Error is not null)
            {
                tally.Reject(record.Line, record.Error);
                continue;
            }

            if (record.Json.Length > MaxChunkBytes)
            {
                tally.Reject(record.Line, $"event is {record.Json.Length} bytes; the limit is {IngestionLimits.MaxEventBytes} bytes (32 KB)");
                continue;
            }

            if (chunk.Count == MaxChunkEvents || chunkBytes + record.Json.Length + 1 > MaxChunkBytes)
            {
                await SendAsync(intake, chunk, tally, cancellationToken);
                await progress.WriteLineAsync(tally.Progress());
                chunk.Clear();
                chunkBytes = 0;
            }

            chunk.Add(record);
            chunkBytes += record.Json.Length + 1;
        }

        if (chunk.Count > 0)
        {
            await SendAsync(intake, chunk, tally, cancellationToken);
            await progress.WriteLineAsync(tally.Progress());
        }

        await DrainAsync(tally, progress, cancellationToken);
        return new ImportSummary(tally.Records, tally.Accepted, tally.Rejected, tally.FirstRejections, tally.Processed, tally.Duplicates);
    }

    private async Task SendAsync(EventIntake intake, List<ImportRecord> chunk, Tally tally, CancellationToken cancellationToken)
    {
        var result = await intake.AcceptAsync(IngestRoute.Batch, ImportAuthorization, Envelope(chunk), cancellationToken);
        if (result.Accepted.Count > 0)
        {
            await outbox.EnqueueAsync(result.Accepted, cancellationToken);
        }

        tally.Accepted += result.Accepted.Count;
        foreach (var rejected in result.Rejected)
        {
            tally.Reject(chunk[rejected.Index].Line, rejected.Reason);
        }

        if (result.Accepted.Count == 0 && result.Rejected.Count == 0)
        {
            // A fault of the chunk as a whole (cannot happen with checked lines, but never lose count of a row).
            foreach (var record in chunk)
            {
                tally.Reject(record.Line, result.Error ?? "refused");
            }
        }
    }

    /// <summary>Processes everything queued, including events a running host queued meanwhile: they are processed once either way.</summary>
    private async Task DrainAsync(Tally tally, TextWriter progress, CancellationToken cancellationToken)
    {
        int handled;
        do
        {
            handled = await outbox.ProcessNextAsync(
                MaxChunkEvents,
                async (events, ct) =>
                {
                    var summary = await processor.ProcessAsync(events, merges, ct);
                    tally.Processed += summary.Processed;
                    tally.Duplicates += summary.Duplicates;
                },
                cancellationToken);
            await merges.DispatchAsync(cancellationToken);
            if (handled > 0)
            {
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"processed {tally.Processed} events ({tally.Duplicates} duplicates)"));
            }
        }
        while (handled > 0);
    }

    private static byte[] Envelope(List<ImportRecord> chunk)
    {
        using var body = new MemoryStream(chunk.Sum(r => r.Json.Length + 1) + 16);
        body.Write("{\"batch\":["u8);
        for (var i = 0; i < chunk.Count; i++)
        {
            if (i > 0)
            {
                body.WriteByte((byte)',');
            }

            body.Write(chunk[i].Json.Span);
        }

        body.Write("]}"u8);
        return body.ToArray();
    }

    private sealed class Tally
    {
        public int Records { get; set; }
        public int Accepted { get; set; }
        public int Rejected { get; private set; }
        public int Processed { get; set; }
        public int Duplicates { get; set; }
        public List<ImportRejection> FirstRejections { get; } = [];

        public void Reject(int line, string reason)
        {
            Rejected++;

            // Rows are refused at different stages (reading, then validation per chunk): keep the earliest lines.
            if (FirstRejections.Count < MaxRejectionsShown || line < FirstRejections[^1].Line)
            {
                var at = FirstRejections.FindIndex(r => r.Line > line);
                FirstRejections.Insert(at < 0 ? FirstRejections.Count : at, new ImportRejection(line, reason));
                if (FirstRejections.Count > MaxRejectionsShown)
                {
                    FirstRejections.RemoveAt(FirstRejections.Count - 1);
                }
            }
        }

        public string Progress() => string.Create(
            CultureInfo.InvariantCulture, $"read {Records} records: {Accepted} accepted, {Rejected} rejected");
    }

    /// <summary>Resolves the import's own token to the source the operator chose; nothing else authenticates.</summary>
    private sealed class ImportSource(Source source) : ISourceDirectory
    {
        public Task<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken cancellationToken) =>
            Task.FromResult<Source?>(writeKey == "import" ? source : null);
    }
}

/// <summary>Formats the end-of-import report.</summary>
public static class ImportReport
{
    public static string Format(string file, ImportSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Imported {Path.GetFileName(file)}: {summary.Records} records, {summary.Accepted} accepted, {summary.Rejected} rejected; ");
        text.AppendLine(CultureInfo.InvariantCulture, $"{summary.Processed} events applied to profiles ({summary.Duplicates} duplicates skipped).");
        if (summary.FirstRejections.Count > 0)
        {
            text.AppendLine(summary.Rejected > summary.FirstRejections.Count
                ? $"First {summary.FirstRejections.Count} rejections:"
                : "Rejections:");
            foreach (var rejection in summary.FirstRejections)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  line {rejection.Line}: {rejection.Reason}");
            }
        }

        return text.ToString();
    }
}
