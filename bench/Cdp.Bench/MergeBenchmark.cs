using System.Diagnostics;
using System.Globalization;
using Cdp.Core.Identity;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Tests.InMemory;

namespace Cdp.Bench;

/// <summary>
/// Figure 3: an identity-heavy stream. Each person browses anonymously on one to three devices and logs in on each
/// (the third by email only), so every device after the first leaves a separate anonymous profile that the login
/// links to the person: a merge, run to its end through Core's journaled workflow runtime on an in-memory journal.
/// </summary>
internal static class MergeBenchmark
{
    private readonly record struct Step(DateTimeOffset At, Call Call, Person Person, Device Device, bool LoggedIn, bool EmailOnly);

    public static async Task<Figure[]> RunAsync(int people, CancellationToken cancellationToken)
    {
        // A small run first, so JIT compilation is not counted.
        await MeasureAsync(Math.Min(200, people), seed: 31, cancellationToken);
        var (events, merges, refused, live, total, inMerges) = await MeasureAsync(people, seed: 3, cancellationToken);
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{people:N0} people, {events:N0} events, {merges:N0} merges completed ({refused} refused) -> {live:N0} live profiles");
        return
        [
            new Figure("Identity-heavy: merges through the journaled workflow runtime", merges / inMerges.TotalSeconds, "merges/s",
                string.Create(CultureInfo.InvariantCulture, $"{detail}; merge time {inMerges.TotalSeconds:N1} s, one merge at a time")),
            new Figure("Identity-heavy: events incl. their merges", events / total.TotalSeconds, "events/s",
                string.Create(CultureInfo.InvariantCulture, $"intake + processing + merges, {total.TotalSeconds:N1} s in all")),
        ];
    }

    private static async Task<(long Events, int Merges, int Refused, int Live, TimeSpan Total, TimeSpan InMerges)> MeasureAsync(
        int people, int seed, CancellationToken cancellationToken)
    {
        var mix = new EventMix(seed);
        var bodies = Journeys(mix, mix.CreatePeople(people, 1, 3, "m-"));
        using var rig = new CoreRig();
        var scheduler = rig.Get<InMemoryMergeScheduler>();
        var client = rig.Get<IWorkflowClient>();
        var runner = rig.Get<WorkflowRunner>();
        long events = 0;
        var merges = 0;
        var refused = 0;
        var inMerges = new Stopwatch();
        var total = Stopwatch.StartNew();
        foreach (var body in bodies)
        {
            events += (await rig.IngestAsync(body, cancellationToken)).Processed;

            // The local host starts each requested merge as soon as the batch is done; here they run in between batches.
            inMerges.Start();
            foreach (var request in scheduler.TakeAll())
            {
                await client.StartAsync(MergeWorkflow.WorkflowName, request.InstanceId, request, cancellationToken);
                await runner.RunAsync(request.InstanceId, cancellationToken);
                var instance = await client.GetAsync(request.InstanceId, cancellationToken);
                if (instance?.Status != WorkflowStatus.Completed)
                {
                    throw new InvalidOperationException($"merge {request.InstanceId} ended {instance?.Status}: {instance?.Error}");
                }

                if (instance.ReadOutput<MergeOutcome>()?.Refusal is null)
                {
                    merges++;
                }
                else
                {
                    refused++;
                }
            }

            inMerges.Stop();
        }

        total.Stop();
        return (events, merges, refused, await rig.CountLiveProfilesAsync(cancellationToken), total.Elapsed, inMerges.Elapsed);
    }

    /// <summary>Every person's journey, interleaved in time with everyone else's, cut into /v1/batch bodies.</summary>
    private static List<byte[]> Journeys(EventMix mix, List<Person> people)
    {
        var random = mix.Random;
        var steps = new List<Step>();
        foreach (var person in people)
        {
            var at = EventMix.Epoch + TimeSpan.FromSeconds(random.Next(0, 7_200));
            for (var d = 0; d < person.Devices.Count; d++)
            {
                var device = person.Devices[d];
                for (var i = random.Next(2, 6); i > 0; i--)
                {
                    at += TimeSpan.FromSeconds(random.Next(5, 90));
                    steps.Add(new Step(at, random.Next(2) == 0 ? Call.Track : device.Mobile ? Call.Screen : Call.Page, person, device, false, false));
                }

                at += TimeSpan.FromSeconds(random.Next(5, 90));
                steps.Add(new Step(at, Call.Identify, person, device, true, EmailOnly: d == 2));
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    at += TimeSpan.FromSeconds(random.Next(5, 90));
                    steps.Add(new Step(at, random.Next(2) == 0 ? Call.Track : device.Mobile ? Call.Screen : Call.Page, person, device, true, false));
                }

                at += TimeSpan.FromMinutes(random.Next(10, 600));
            }
        }

        var ordered = steps.OrderBy(s => s.At).ToList();
        var bodies = new List<byte[]>(ordered.Count / EventMix.BatchSize + 1);
        for (var start = 0; start < ordered.Count; start += EventMix.BatchSize)
        {
            var batch = ordered.Skip(start).Take(EventMix.BatchSize).ToList();
            var first = start;
            bodies.Add(EventMix.Body(w =>
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var s = batch[i];
                    mix.Write(w, s.Call, s.Person, s.Device, s.LoggedIn, "j-" + (first + i).ToString("D9", CultureInfo.InvariantCulture), s.At, s.EmailOnly);
                }
            }, batch[^1].At));
        }

        return bodies;
    }
}
