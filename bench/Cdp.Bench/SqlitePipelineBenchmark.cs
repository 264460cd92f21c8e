using System.Diagnostics;
using System.Globalization;
using Cdp.Core.Events;
using Cdp.Local.Ingestion;

namespace Cdp.Bench;

/// <summary>
/// What one outbox consumer can process into the embedded host's own stores (SQLite, the raw archive as
/// files), in process: the events accepted first, then processed in the host's batch size, each batch in one
/// transaction as the consumer runs it. No HTTP and no intake compete for the cores, so this is the ceiling of the
/// end-to-end figure on this machine.
/// </summary>
internal static class SqlitePipelineBenchmark
{
    /// <summary>Batches processed before the clock starts (JIT, caches, the first profiles created).</summary>
    private const int WarmUpBatches = 20;

    /// <param name="noProfiles">Over the <see cref="NoProfileStore"/> instead of the host's: the ceiling, not a store's figure.</param>
    public static async Task<Figure> RunAsync(
        IReadOnlyList<byte[]> bodies, int people, string mix, IReadOnlyList<string> hostSettings, bool noProfiles, CancellationToken cancellationToken)
    {
        var batchSize = new LocalProcessingOptions().MaxBatchSize;
        var accepted = new List<SegmentEvent>(bodies.Count * 25);
        using (var rig = new CoreRig())
        {
            foreach (var body in bodies)
            {
                accepted.AddRange(await rig.AcceptAsync(body, cancellationToken));
            }
        }

        using var phases = new PhaseTally();
        await using var stores = LocalErasureStores.Create(hostSettings, noProfiles ? NoProfileStore.ReplaceStore : null);
        var warmUp = Math.Min(WarmUpBatches * batchSize, accepted.Count / 10);
        for (var start = 0; start < warmUp; start += batchSize)
        {
            await stores.ProcessAsync(accepted.GetRange(start, Math.Min(batchSize, warmUp - start)), cancellationToken);
        }

        long processed = 0;
        phases.Reset();
        var writtenBefore = Machine.BytesWritten();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        for (var start = warmUp; start < accepted.Count; start += batchSize)
        {
            var summary = await stores.ProcessAsync(accepted.GetRange(start, Math.Min(batchSize, accepted.Count - start)), cancellationToken);
            processed += summary.Processed;
        }

        var elapsed = watch.Elapsed;
        var allocatedPerEvent = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)processed;

        // Every event dirties pages at random (its profile, a timeline index leaf): each goes to the log at commit
        // and back to the database file at a checkpoint, so the bytes written say as much as the time taken.
        var writtenPerEvent = (Machine.BytesWritten() - writtenBefore) / (double)processed;
        var rate = processed / elapsed.TotalSeconds;
        return new Figure(
            $"Processing into SQLite, one consumer in process, {mix} mix{NoProfileStore.Label(noProfiles)}",
            rate,
            "events/s",
            string.Create(CultureInfo.InvariantCulture,
                $"{processed:N0} events over {people:N0} people after {warmUp:N0} to warm up, batches of {batchSize} in one transaction each (the host's default); {stores.Describe()}; {writtenPerEvent / 1024:N1} KB written to storage an event (log, checkpoints, archive file); {allocatedPerEvent / 1024:N1} KB allocated an event; {phases.Describe(processed, elapsed, "the transaction's commit: its pages into the log, the sync, the checkpoints")}"));
    }
}
