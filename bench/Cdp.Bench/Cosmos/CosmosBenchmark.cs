using System.Globalization;
using Cdp.Azure.Identity;
using Cdp.Azure.Ingestion;
using Cdp.Azure.Privacy;
using Cdp.Azure.Profiles;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Bench.Cosmos;

/// <summary>
/// Figure 5: what the Azure deployment pays per event. Core's ingestion path (intake, then processing, as the Event
/// Hub trigger runs it) over the real Cosmos DB adapters, their containers faked in process by <see cref="FakeCosmos"/>,
/// which counts every request they send. The raw archive (Blob) and the merge workflow stay on the in-memory ports.
/// </summary>
internal static class CosmosBenchmark
{
    /// <summary>The target for the browser mix: Cosmos DB requests per ingested event, amortized.</summary>
    public const double Target = 1.5;

    public static async Task<Figure> RunAsync(string mix, IReadOnlyList<byte[]> bodies, int maxEvents, bool judged, CancellationToken cancellationToken)
    {
        var cosmos = new FakeCosmos();
        using var rig = new CoreRig(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IProfileStore>(new CosmosProfileStore(cosmos.Container("profiles"))));
            services.Replace(ServiceDescriptor.Singleton<ITimelineStore>(new CosmosTimelineStore(cosmos.Container("events"))));
            services.Replace(ServiceDescriptor.Singleton<IIdentityIndex>(new CosmosIdentityIndex(cosmos.Container("identities"))));
            services.Replace(ServiceDescriptor.Singleton<IDedupStore>(sp => new CosmosDedupStore(cosmos.Container("dedup"), sp.GetRequiredService<TimeProvider>())));
            services.Replace(ServiceDescriptor.Singleton<ISuppressionList>(new CosmosSuppressionList(cosmos.Container("privacy"))));
        });

        // Two windows of maxEvents: the first (cold: most people are new, so links and profiles are created) is
        // reported in the details; the figure is the second, when part of the population is known, as in steady traffic.
        var (cold, coldEvents) = (0L, 0L);
        long events = 0;
        long merges = 0;
        var requests = 0;
        foreach (var body in bodies)
        {
            if (events >= maxEvents)
            {
                if (coldEvents > 0)
                {
                    break;
                }

                (cold, coldEvents) = (cosmos.Counts.Total, events);
                cosmos.Counts.Reset();
                (events, merges, requests) = (0, 0, 0);
            }

            var summary = await rig.IngestAsync(body, cancellationToken);
            events += summary.Processed;
            merges += summary.MergesRequested;
            requests++;
        }

        var c = cosmos.Counts;
        var perEvent = (double)c.Total / events;
        string Per(CosmosOperation o) => (c[o] / (double)events).ToString("0.00", CultureInfo.InvariantCulture);
        var coldNote = coldEvents == 0
            ? "no warm-up window: the bodies ran out (raise --events)"
            : string.Create(CultureInfo.InvariantCulture, $"after a warm-up window of {coldEvents:N0} events that cost {cold / (double)coldEvents:0.00} requests/event (cold start)");
        return new Figure(
            $"Cosmos DB requests per event, {mix} mix",
            perEvent,
            "requests",
            string.Create(CultureInfo.InvariantCulture,
                $"{c.Total:N0} requests for {events:N0} events in {requests:N0} requests of the mix, {coldNote}; per event: point reads {Per(CosmosOperation.PointRead)}, creates {Per(CosmosOperation.Create)}, upserts {Per(CosmosOperation.Upsert)}, replaces {Per(CosmosOperation.Replace)}, patches {Per(CosmosOperation.Patch)}, deletes {Per(CosmosOperation.Delete)}, ReadMany {Per(CosmosOperation.ReadMany)} ({c.ReadManyItems:N0} items), query pages {Per(CosmosOperation.QueryPage)}, transactional batches {Per(CosmosOperation.Batch)} ({c.BatchItems:N0} items); {merges} merges requested, not run (their workflow is not counted)"),
            judged ? string.Create(CultureInfo.InvariantCulture, $"≤ {Target} (browser mix)") : null,
            judged ? perEvent <= Target : null,
            "N2");
    }
}
