using System.Text.Json;
using Cdp.Core.Events;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Segments.Rollups;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>Daily rollups kept on ingest: counts, filtered counts, sums, pruning, and backfill from the timeline.</summary>
public sealed class RollupRecorderTests
{
    private static readonly RollupRecorder Recorder = SegmentKit.Recorder();

    internal static SegmentEvent Track(string name, DateTimeOffset? at, string? properties = null, DateTimeOffset? receivedAt = null) => new()
    {
        Type = EventTypes.Track,
        Event = name,
        MessageId = Guid.NewGuid().ToString(),
        Timestamp = at,
        ReceivedAt = receivedAt ?? at,
        Properties = properties is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(properties),
    };

    private static RollupFilter BigOrders() => Compile(
        """{"event":"Order Completed","where":[{"property":"total","op":"gt","value":50}]}""").Needs.Filters[0];

    [Fact]
    public void Record_TrackEvent_CountsOnItsUtcDayUnderItsName()
    {
        var profile = NewProfile();

        Recorder.Record(profile, Track("Order Completed", new DateTimeOffset(2025, 3, 14, 23, 30, 0, TimeSpan.FromHours(-2))), RollupPlan.Default(90));

        var day = Assert.Single(profile.Rollups.Days);
        Assert.Equal("2025-03-15", day.Key);
        Assert.Equal(1, day.Value.Counts["Order Completed"]);
    }

    [Fact]
    public void Record_NoTimestamp_UsesReceivedAt()
    {
        var profile = NewProfile();

        Recorder.Record(profile, Track("Signed Up", null, receivedAt: Now), RollupPlan.Default(90));

        Assert.Equal(1, profile.Rollups.Days["2025-03-14"].Counts["Signed Up"]);
    }

    [Fact]
    public void Record_DatedYearsAheadOfArrival_CountsOnTheArrivalDayAndKeepsHistory()
    {
        var profile = NewProfile();
        Recorder.Record(profile, Track("A", Now.AddDays(-20)), RollupPlan.Default(30));

        Recorder.Record(profile, Track("A", Now.AddYears(3), receivedAt: Now), RollupPlan.Default(30));

        Assert.Equal(["2025-02-22", "2025-03-14"], profile.Rollups.Days.Keys);
    }

    [Fact]
    public void Record_DatedHoursAheadOfArrival_CountsOnItsOwnDay()
    {
        var profile = NewProfile();

        Recorder.Record(profile, Track("A", Now.AddHours(20), receivedAt: Now), RollupPlan.Default(30));

        Assert.Equal(["2025-03-15"], profile.Rollups.Days.Keys);
    }

    [Fact]
    public void Record_PageCall_CountsUnderItsCallType()
    {
        var profile = NewProfile();

        Recorder.Record(profile, new SegmentEvent { Type = EventTypes.Page, Name = "Pricing", Timestamp = Now }, RollupPlan.Default(90));

        Assert.Equal(1, profile.Rollups.Days["2025-03-14"].Counts["page"]);
    }

    [Fact]
    public void Record_PlanWithAFilter_CountsOnlyEventsOfThatEventPassingIt()
    {
        var profile = NewProfile();
        var filter = BigOrders();
        var plan = new RollupPlan([filter], 90);

        Recorder.Record(profile, Track("Order Completed", Now, """{"total":80}"""), plan);
        Recorder.Record(profile, Track("Order Completed", Now, """{"total":20}"""), plan);
        Recorder.Record(profile, Track("Order Refunded", Now, """{"total":80}"""), plan);

        var counts = profile.Rollups.Days["2025-03-14"].Counts;
        Assert.Equal(2, counts["Order Completed"]);
        Assert.Equal(1, counts[filter.Key]);
        Assert.Equal(1, counts["Order Refunded"]);
        Assert.Equal(3, counts.Count);
    }

    [Fact]
    public void Record_ConfiguredSums_AddNumericPropertiesOnly()
    {
        var profile = NewProfile();

        Recorder.Record(profile, Track("Order Completed", Now, """{"revenue":19.90,"total":"25","tax":4}"""), RollupPlan.Default(90));
        Recorder.Record(profile, Track("Order Completed", Now, """{"revenue":"n/a","total":5}"""), RollupPlan.Default(90));

        var sums = profile.Rollups.Days["2025-03-14"].Sums;
        Assert.Equal(19.90m, sums["Order Completed.revenue"]);
        Assert.Equal(30m, sums["Order Completed.total"]);
        Assert.False(sums.ContainsKey("Order Completed.tax"));
    }

    [Fact]
    public void Record_DaysBeyondKeepDaysBeforeTheNewest_AreDropped()
    {
        var profile = NewProfile();
        var plan = RollupPlan.Default(7);

        Recorder.Record(profile, Track("A", Now.AddDays(-8)), plan);
        Recorder.Record(profile, Track("A", Now.AddDays(-7)), plan);
        Recorder.Record(profile, Track("A", Now), plan);

        Assert.Equal(["2025-03-07", "2025-03-14"], profile.Rollups.Days.Keys);
    }

    [Fact]
    public void Record_EventOlderThanTheKeptDays_IsNotKept()
    {
        var profile = NewProfile();
        var plan = RollupPlan.Default(7);
        Recorder.Record(profile, Track("A", Now), plan);

        Recorder.Record(profile, Track("A", Now.AddDays(-30)), plan);

        Assert.Equal(["2025-03-14"], profile.Rollups.Days.Keys);
    }

    [Fact]
    public void Rebuild_FilterFromTheTimeline_RecountsFromTheFirstDayAndRecordsIt()
    {
        var filter = BigOrders();
        var profile = NewProfile().Counted(filter.Key, Now.AddDays(-40), 9).Counted(filter.Key, Now.AddDays(-2), 9);
        var events = new[]
        {
            Timeline("m1", "Order Completed", Now.AddDays(-20), """{"total":80}"""),
            Timeline("m1", "Order Completed", Now.AddDays(-20), """{"total":80}"""),
            Timeline("m2", "Order Completed", Now.AddDays(-2), """{"total":60}"""),
            Timeline("m3", "Order Completed", Now.AddDays(-2), """{"total":10}"""),
            Timeline("m4", "Order Refunded", Now.AddDays(-2), """{"total":99}"""),
            Timeline("m5", "Order Completed", Now.AddDays(-31), """{"total":99}"""),
        };

        RollupRecorder.Rebuild(profile, events, filter, DateOnly.FromDateTime(Now.AddDays(-30).UtcDateTime));

        Assert.Equal(9, profile.Rollups.Days["2025-02-02"].Counts[filter.Key]);
        Assert.Equal(1, profile.Rollups.Days["2025-02-22"].Counts[filter.Key]);
        Assert.Equal(1, profile.Rollups.Days["2025-03-12"].Counts[filter.Key]);
        Assert.False(profile.Rollups.Days.ContainsKey("2025-02-11"));
        Assert.Equal("2025-02-12", profile.Rollups.Backfilled[filter.Key]);
    }

    [Fact]
    public void Rebuild_AlreadyBackfilledFromEarlier_KeepsTheEarlierFirstDay()
    {
        var filter = BigOrders();
        var profile = NewProfile();
        profile.Rollups.Backfilled[filter.Key] = "2025-01-01";

        RollupRecorder.Rebuild(profile, [], filter, new DateOnly(2025, 3, 1));

        Assert.Equal("2025-01-01", profile.Rollups.Backfilled[filter.Key]);
    }

    [Fact]
    public void Rebuild_Unfiltered_RestoresPlainCountsOfOlderDays()
    {
        var profile = NewProfile().Counted("page", Now);
        var events = new[] { Timeline("m1", null, Now.AddDays(-200), null, EventTypes.Page), Timeline("m2", null, Now, null, EventTypes.Page) };

        RollupRecorder.Rebuild(profile, events, RollupRecorder.Unfiltered("page"), new DateOnly(2024, 1, 1));

        Assert.Equal(1, profile.Rollups.Days[RollupDays.Key(Now.AddDays(-200))].Counts["page"]);
        Assert.Equal(1, profile.Rollups.Days["2025-03-14"].Counts["page"]);
    }

    internal static TimelineEvent Timeline(string id, string? name, DateTimeOffset at, string? properties, string type = EventTypes.Track) => new()
    {
        Id = id,
        ProfileId = "p-1",
        Type = type,
        Name = name,
        Timestamp = at,
        ReceivedAt = at,
        Properties = properties is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(properties),
    };
}
