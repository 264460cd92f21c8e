using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Tests.Consent;
using Cdp.Core.Tests.Identity;
using Cdp.Core.Workflows;
using Cdp.Tests.InMemory;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Processing;

/// <summary>
/// Per-person batching must be invisible: a stream processed in batches ends in exactly the profiles, links,
/// timelines and merge requests that processing it one event at a time gives.
/// </summary>
public sealed class PerPersonBatchingPropertyTests
{
    private static readonly string[] Purposes = ["analytics", "marketing"];

    /// <summary>What an event does besides identifying someone; traits and consent collide across people on purpose.</summary>
    internal sealed record Body(int Kind, int TraitValue, int Revenue, int ConsentAnswer, int Source);

    /// <summary>One event of the stream: <see cref="Repeat"/> &gt;= 0 resends an earlier event (a redelivery).</summary>
    internal sealed record Step(IdentityGraphPropertyTests.Ev Ids, Body Body, int SecondsOffset, int Repeat);

    private static readonly Gen<Body> Bodies =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4], Gen.Int[1, 50], Gen.Int[0, 2], Gen.Int[0, 1])
            .Select((k, t, r, c, s) => new Body(k, t, r, c, s));

    // Offsets are coarse so that equal timestamps (ties in survivorship and last channel) happen often.
    private static readonly Gen<Step> Steps =
        Gen.Select(IdentityGraphPropertyTests.Event, Bodies, Gen.Int[-3, 3], Gen.Frequency((5, Gen.Const(-1)), (1, Gen.Int[0, 30])))
            .Select((ids, body, offset, repeat) => new Step(ids, body, offset, repeat));

    /// <summary>A stream, how it is cut into batches, and the anonymousId pool entry erased beforehand (-1: none).</summary>
    internal static readonly Gen<(Step[] Steps, int[] Cuts, int Erased)> Streams =
        Gen.Select(Steps.Array[1, 30], Gen.Int[2, 12].Array[1, 5], Gen.Int[-1, 5]);

    [Fact]
    public async Task Process_RandomStreamsInBatches_EqualsOneEventAtATime()
    {
        await Streams.SampleAsync(async s =>
        {
            var events = ToEvents(s.Steps);
            using var batched = Harness();
            using var single = Harness();
            await SuppressAsync(batched, s.Erased);
            await SuppressAsync(single, s.Erased);

            await ProcessInBatchesAsync(batched, events, s.Cuts);
            await ProcessInBatchesAsync(single, events, [1]);
            Assert.Equal(await SnapshotAsync(single), await SnapshotAsync(batched));
            Assert.Equal(MergeIds(single), MergeIds(batched));

            // The merges the two asked for also end the same way.
            await RunMergesAsync(batched);
            await RunMergesAsync(single);
            Assert.Equal(await SnapshotAsync(single), await SnapshotAsync(batched));
        }, iter: 80, threads: 1);
    }

    internal static CoreHarness Harness() =>
        new CoreHarness().Configure<ProfileOptions>(o => o.FirstValueTraits = ["signupPlan"]);

    /// <summary>The queued events; a repeat is the earlier event itself, as a redelivery would carry it.</summary>
    internal static List<SegmentEvent> ToEvents(Step[] steps)
    {
        var events = new List<SegmentEvent>(steps.Length);
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            if (step.Repeat >= 0 && events.Count > 0)
            {
                events.Add(events[step.Repeat % events.Count]);
                continue;
            }

            var b = IdentityGraphPropertyTests.Build(step.Ids, i);
            var body = step.Body;
            b = body.Kind switch
            {
                0 => b,
                1 => b.With("type", EventTypes.Identify).Without("event")
                    .Trait("plan", $"plan-{body.TraitValue}").Trait("signupPlan", $"plan-{body.TraitValue}"),
                2 => b.With("event", "Order Completed").Property("revenue", JsonValue.Create(body.Revenue)),
                _ => b.Preferences((Purposes[body.TraitValue % 2], body.ConsentAnswer switch { 0 => false, 1 => true, _ => JsonValue.Create("maybe") })),
            };

            // Out of order: timestamps wander a few seconds either side of arrival order.
            b = b.Timestamp(TestOptions.Now.AddSeconds(i / 2 * 2 + step.SecondsOffset)).Context("channel", body.Source == 0 ? "web" : "email");
            events.Add(b.ToQueued(TestOptions.Now, body.Source == 0 ? "src-web" : "src-crm"));
        }

        return events;
    }

    /// <summary>Returns the merges run between batches (none unless <paramref name="mergeBetweenBatches"/>), in order.</summary>
    internal static async Task<List<WorkflowInstance>> ProcessInBatchesAsync(CoreHarness cdp, List<SegmentEvent> events, int[] cuts, bool mergeBetweenBatches = false)
    {
        var merged = new List<WorkflowInstance>();
        var position = 0;
        for (var c = 0; position < events.Count; c++)
        {
            var size = cuts[c % cuts.Length];
            await cdp.ProcessAsync(events.Skip(position).Take(size).ToList());
            position += size;
            if (mergeBetweenBatches)
            {
                merged.AddRange(await cdp.RunMergesAsync());
            }
        }

        return merged;
    }

    /// <summary>Puts anonymousId a{n} on the suppression list, as an erasure would; events carrying it are dropped.</summary>
    internal static async Task SuppressAsync(CoreHarness cdp, int erased)
    {
        if (erased < 0)
        {
            return;
        }

        var key = cdp.Services.GetRequiredService<SuppressionKeys>().For("anonymousId", $"a{erased}");
        await cdp.Services.GetRequiredService<InMemorySuppressionList>()
            .AddAsync([new SuppressionEntry(key, "r-1", TestOptions.Now)], CancellationToken.None);
    }

    private static async Task RunMergesAsync(CoreHarness cdp) =>
        Assert.All(await cdp.RunMergesAsync(), m => Assert.Equal(WorkflowStatus.Completed, m.Status));

    private static List<string> MergeIds(CoreHarness cdp) =>
        [.. cdp.Merges.TakeAll().Select(m => m.InstanceId).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>
    /// Every profile (tombstones too) with its timeline and its identifiers' links, as JSON. What only says how the
    /// work was cut up is left out: write counters and times, and the names of the raw archive files.
    /// </summary>
    internal static async Task<List<string>> SnapshotAsync(CoreHarness cdp)
    {
        var snapshot = new List<string>();
        foreach (var id in cdp.Profiles.Ids.Order(StringComparer.Ordinal))
        {
            var profile = (await cdp.Profiles.GetAsync(id, CancellationToken.None))!.Value.Value;
            var comparable = profile with { UpdatedAt = default, Version = 0 };
            snapshot.Add(JsonSerializer.Serialize(comparable, CdpJsonContext.Default.Profile));
            foreach (var e in cdp.Timeline.EventsOf(id).OrderBy(e => e.Id, StringComparer.Ordinal))
            {
                snapshot.Add(JsonSerializer.Serialize(e, CdpJsonContext.Default.TimelineEvent));
            }

            foreach (var identifier in profile.Identifiers)
            {
                var link = await cdp.Identities.GetAsync(identifier.IdentityId, CancellationToken.None);
                snapshot.Add($"{identifier.IdentityId} -> {link?.Value.ProfileId}");
            }
        }

        return snapshot;
    }
}
