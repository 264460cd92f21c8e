using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>Rollups kept by the profile updater on ingest and combined when two profiles merge.</summary>
public sealed class ProfileRollupTests
{
    private static readonly DateTimeOffset Yesterday = Now.AddDays(-1);

    [Fact]
    public void Apply_SameEventTwice_CountsOnce()
    {
        using var cdp = new CoreHarness();
        var updater = cdp.Services.GetRequiredService<ProfileUpdater>();
        var profile = NewProfile();
        var e = EventBuilder.Track("Order Completed").UserId("u1").MessageId("m1").Timestamp(Yesterday).Property("revenue", 30).ToQueued(Now);

        Assert.True(updater.Apply(profile, e, []));
        Assert.False(updater.Apply(profile, e, []));

        var day = profile.Rollups.Days["2025-03-13"];
        Assert.Equal(1, day.Counts["Order Completed"]);
        Assert.Equal(30m, day.Sums["Order Completed.revenue"]);
    }

    [Fact]
    public void Apply_CatalogPlanRegistered_KeepsItsFilteredCounts()
    {
        var filter = Compile("""{"event":"Order Completed","where":[{"property":"revenue","op":"gte","value":100}]}""").Needs.Filters[0];
        using var cdp = new CoreHarness().WithServices(s => s.AddSingleton<IRollupPlanSource>(new FixedPlan(new RollupPlan([filter], 30))));
        var updater = cdp.Services.GetRequiredService<ProfileUpdater>();
        var profile = NewProfile();

        updater.Apply(profile, EventBuilder.Track("Order Completed").UserId("u1").MessageId("m1").Property("revenue", 150).ToQueued(Now), []);
        updater.Apply(profile, EventBuilder.Track("Order Completed").UserId("u1").MessageId("m2").Property("revenue", 50).ToQueued(Now), []);

        Assert.Equal(1, profile.Rollups.Days["2025-03-14"].Counts[filter.Key]);
        Assert.True(Matches("""{"event":"Order Completed","where":[{"property":"revenue","op":"gte","value":100}],"count":{"eq":1},"within":"P1D"}""", profile));
    }

    [Fact]
    public async Task Process_EventsForOnePerson_AreInTheirRollups()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(
            EventBuilder.Track("Order Completed").UserId("u1").MessageId("m1").Timestamp(Yesterday),
            EventBuilder.Page("Pricing").UserId("u1").MessageId("m2").Timestamp(Now));

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");

        Assert.True(Matches("""{"all":[{"event":"Order Completed","within":"P7D"},{"event":"page","within":"P1D"}]}""", profile));
    }

    [Fact]
    public void Merge_TwoProfiles_SumsRollupsDayByDayOnce()
    {
        using var cdp = new CoreHarness();
        var merger = cdp.Services.GetRequiredService<ProfileMerger>();
        var survivor = NewProfile("p-s").Counted("Order Completed", Now, 2).Counted("page", Yesterday);
        var loser = NewProfile("p-l").Counted("Order Completed", Now, 3).Counted("Order Completed", Yesterday);
        survivor.Rollups.Days["2025-03-14"].Sums["Order Completed.revenue"] = 10m;
        loser.Rollups.Days["2025-03-14"].Sums["Order Completed.revenue"] = 5.5m;

        merger.Merge(survivor, loser, Now, "same person");
        merger.Merge(survivor, loser, Now, "same person");

        Assert.Equal(5, survivor.Rollups.Days["2025-03-14"].Counts["Order Completed"]);
        Assert.Equal(15.5m, survivor.Rollups.Days["2025-03-14"].Sums["Order Completed.revenue"]);
        Assert.Equal(1, survivor.Rollups.Days["2025-03-13"].Counts["Order Completed"]);
        Assert.Equal(1, survivor.Rollups.Days["2025-03-13"].Counts["page"]);
    }

    [Fact]
    public void Merge_BackfilledKeys_AreUnitedFromTheLaterFirstDay()
    {
        using var cdp = new CoreHarness();
        var merger = cdp.Services.GetRequiredService<ProfileMerger>();
        var survivor = NewProfile("p-s");
        var loser = NewProfile("p-l");
        survivor.Rollups.Backfilled["A#1"] = "2025-01-01";
        survivor.Rollups.Backfilled["B#2"] = "2025-02-01";
        loser.Rollups.Backfilled["B#2"] = "2025-02-10";
        loser.Rollups.Backfilled["C#3"] = "2025-03-01";

        merger.Merge(survivor, loser, Now, "same person");

        Assert.Equal(
            new Dictionary<string, string> { ["A#1"] = "2025-01-01", ["B#2"] = "2025-02-10", ["C#3"] = "2025-03-01" },
            survivor.Rollups.Backfilled);
    }

    private sealed class FixedPlan(RollupPlan plan) : IRollupPlanSource
    {
        public RollupPlan Current { get; } = plan;
    }
}
