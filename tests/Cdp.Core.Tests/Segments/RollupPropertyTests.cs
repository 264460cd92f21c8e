using Cdp.Core.Events;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Segments.Rollups;
using Cdp.Core.Tests.Builders;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>The same events give the same rollups however they arrive: in any order, in any batches, on merged profiles.</summary>
public sealed class RollupPropertyTests
{
    private static readonly RollupRecorder Recorder = SegmentKit.Recorder();

    private static readonly RollupFilter BigOrders =
        Compile("""{"event":"Order Completed","where":[{"property":"total","op":"gt","value":50}]}""").Needs.Filters[0];

    private static readonly Gen<SegmentEvent> Events =
        Gen.Select(Gen.OneOf("Order Completed", "Product Viewed"), Gen.Int[-60, 3], Gen.Int[0, 23], Gen.Int[0, 120], Gen.Decimal[0m, 500m])
            .Select((name, day, hour, total, revenue) => RollupRecorderTests.Track(
                name, Now.AddDays(day).AddHours(hour), $$"""{"total":{{total}},"revenue":{{decimal.Round(revenue, 2)}}}"""));

    /// <summary>The rollups as sorted lines, so two profiles compare whole.</summary>
    private static List<string> Flatten(Profile profile) =>
        [.. profile.Rollups.Days.SelectMany(d =>
            d.Value.Counts.Select(c => $"{d.Key} count {c.Key}={c.Value}")
                .Concat(d.Value.Sums.Select(s => $"{d.Key} sum {s.Key}={s.Value}")))
            .Order(StringComparer.Ordinal)];

    private static Profile RecordAll(IEnumerable<SegmentEvent> events, RollupPlan plan, string id = "p-1")
    {
        var profile = NewProfile(id);
        foreach (var e in events)
        {
            Recorder.Record(profile, e, plan);
        }

        return profile;
    }

    [Fact]
    public void Record_EventsInAnyOrder_GiveTheSameRollups()
    {
        Gen.Select(Events.Array[1, 40], Gen.Int[1, 70], Gen.Int).Sample((events, keepDays, seed) =>
        {
            var plan = new RollupPlan([BigOrders], keepDays);
            var shuffled = events.OrderBy(_ => new Random(seed).Next()).ToArray();
            new Random(seed).Shuffle(shuffled);

            Assert.Equal(Flatten(RecordAll(events, plan)), Flatten(RecordAll(shuffled, plan)));
        });
    }

    [Fact]
    public void Merge_StreamSplitIntoBatchesOnSeparateProfiles_EqualsOneProfileAfterPruning()
    {
        using var cdp = new CoreHarness();
        var merger = cdp.Services.GetRequiredService<ProfileMerger>();
        Gen.Select(Events.Array[1, 40], Gen.Int[1, 8].Array[1, 6], Gen.Int[1, 70]).Sample((events, cuts, keepDays) =>
        {
            var plan = new RollupPlan([BigOrders], keepDays);
            var survivor = NewProfile("p-0");
            var start = 0;
            for (var i = 0; start < events.Length; i++)
            {
                var size = cuts[i % cuts.Length];
                merger.Merge(survivor, RecordAll(events.Skip(start).Take(size), plan, $"p-{i + 1}"), Now, "same person");
                start += size;
            }

            RollupRecorder.Prune(survivor.Rollups, keepDays);

            Assert.Equal(Flatten(RecordAll(events, plan)), Flatten(survivor));
        });
    }

    [Fact]
    public async Task Process_StreamInAnyBatches_GivesTheSameRollups()
    {
        await Gen.Select(Events.Array[1, 12], Gen.Int[1, 5]).SampleAsync(async (events, batch) =>
        {
            var builders = events.Select((e, i) => EventBuilder.Track(e.Event!).UserId("u1").MessageId($"m{i}").Timestamp(e.Timestamp!.Value)
                .Property("total", e.Properties!["total"].GetDecimal()).Property("revenue", e.Properties["revenue"].GetDecimal())).ToArray();
            using var once = new CoreHarness();
            using var batched = new CoreHarness();

            await once.ProcessAsync(builders);
            foreach (var chunk in builders.Chunk(batch))
            {
                await batched.ProcessAsync(chunk);
            }

            await batched.ProcessAsync(builders.Take(batch).ToArray());
            Assert.Equal(
                Flatten(await once.ProfileAsync(Cdp.Core.Identity.IdentifierTypes.UserId, "u1")),
                Flatten(await batched.ProfileAsync(Cdp.Core.Identity.IdentifierTypes.UserId, "u1")));
        }, iter: 25);
    }
}
