using System.Diagnostics;
using System.Globalization;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Bench;

/// <summary>
/// Figure 2: Core's whole ingestion path per /v1/batch body (EventIntake.AcceptAsync, then EventProcessor.ProcessAsync)
/// over the in-memory ports, which keep documents as JSON like a database would. One thread, as one outbox consumer runs.
/// The figure is a consumer's that has been running for a while: a throwaway rig first takes a quarter of the bodies, so
/// the runtime's tiered JIT has compiled the hot code with its optimizations (in a short run most of it still ran as
/// the quick first-tier code: the rate came out 15–29% lower in paired runs).
/// </summary>
internal static class PipelineBenchmark
{
    /// <summary>Bodies the measured rig processes before the clock starts (its caches, the first profiles).</summary>
    private const int WarmUpBodies = 10;

    /// <param name="noProfiles">Over the <see cref="NoProfileStore"/>: the ceiling, not a store's figure.</param>
    public static async Task<Figure> RunAsync(
        IReadOnlyList<byte[]> bodies, int people, double parseRate, string mix, bool noProfiles, CancellationToken cancellationToken)
    {
        Action<IServiceCollection>? ports = noProfiles ? NoProfileStore.ReplaceStore : null;
        using (var throwaway = new CoreRig(ports))
        {
            for (var i = 0; i < bodies.Count / 4; i++)
            {
                await throwaway.IngestAsync(bodies[i], cancellationToken);
            }
        }

        using var phases = new PhaseTally();
        using var rig = new CoreRig(ports);
        var warmUp = Math.Min(WarmUpBodies, bodies.Count / 10);
        for (var i = 0; i < warmUp; i++)
        {
            await rig.IngestAsync(bodies[i], cancellationToken);
        }

        long processed = 0;
        long merges = 0;
        phases.Reset();
        var inIntake = new Stopwatch();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        for (var i = warmUp; i < bodies.Count; i++)
        {
            inIntake.Start();
            var accepted = await rig.AcceptAsync(bodies[i], cancellationToken);
            inIntake.Stop();
            var summary = await rig.ProcessAsync(accepted, cancellationToken);
            processed += summary.Processed;
            merges += summary.MergesRequested;
        }

        var elapsed = watch.Elapsed;

        // Most of an event's cost is its profile's objects, made and collected again: the allocation says how many.
        var allocatedPerEvent = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)processed;
        var intakeShare = inIntake.Elapsed / elapsed;
        var rate = processed / elapsed.TotalSeconds;

        var profiles = noProfiles ? "no profiles kept: each batch starts its people's afresh" : await DescribeProfilesAsync(rig, cancellationToken);
        var ratio = rate / parseRate;
        return new Figure(
            $"Core pipeline: intake + processing, in-memory ports, {mix} mix{NoProfileStore.Label(noProfiles)}",
            rate,
            "events/s",
            string.Create(CultureInfo.InvariantCulture,
                $"{processed:N0} events over {people:N0} people -> {profiles}, {merges} merges requested; {allocatedPerEvent / 1024:N1} KB allocated an event; intake {intakeShare * 100:N0}% of the time, processing the rest; {phases.Describe(processed, elapsed, "intake, and the steps' own overhead")}"),
            string.Create(CultureInfo.InvariantCulture, $"≥ 30% of the {mix} parse rate, is {ratio * 100:N0}%"),
            ratio >= 0.30);
    }

    // Each event reads and rewrites its person's profile document, so its size says much about the rate.
    private static async Task<string> DescribeProfilesAsync(CoreRig rig, CancellationToken cancellationToken)
    {
        var live = await rig.CountLiveProfilesAsync(cancellationToken);
        var averageBytes = rig.Get<InMemoryProfileStore>().StoredBytes.Average(b => b.Length);
        return string.Create(CultureInfo.InvariantCulture, $"{live:N0} profiles ({averageBytes / 1024:N1} KB of JSON each, avg)");
    }
}
