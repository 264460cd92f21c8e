using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Tests.Consent;
using Cdp.Core.Segments;

namespace Cdp.Core.Tests.Segments;

/// <summary>A segment saved after people's events arrived counts those events: the refresh backfills from the timeline.</summary>
public sealed class RollupBackfillTests
{
    private const string BigOrder =
        """{"event":"Order Completed","count":{"gte":2},"within":"P30D","where":[{"property":"total","op":"gt","value":50}]}""";

    private static EventBuilder Order(string userId, string messageId, int total, DateTimeOffset at) =>
        EventBuilder.Track("Order Completed").UserId(userId).MessageId(messageId).Property("total", total).Timestamp(at)
            .Preferences((ConsentOptions.Marketing, true));

    [Fact]
    public async Task Refresh_FilteredSegmentSavedAfterTheOrders_CountsTheOrdersFromTheTimeline()
    {
        using var s = new SegmentHarness();
        var now = s.Cdp.Time.GetUtcNow();
        await s.Cdp.ProcessAsync(Order("big", "m1", 80, now.AddDays(-3)));
        await s.Cdp.ProcessAsync(Order("big", "m2", 90, now.AddDays(-1)));
        await s.Cdp.ProcessAsync(Order("small", "m3", 80, now.AddDays(-1)));
        await s.Cdp.ProcessAsync(Order("small", "m4", 20, now));
        await s.SaveAsync("big-spenders", BigOrder, "crm");

        var first = await s.RefreshAsync();
        var again = await s.RefreshAsync();

        var big = await s.ProfileAsync("big");
        Assert.True(big.Segments["big-spenders"].Member);
        Assert.False((await s.ProfileAsync("small")).Segments.GetValueOrDefault("big-spenders")?.Member ?? false);
        Assert.Equal([AudienceDeliveryKinds.Entered], s.Kinds("big-spenders", "crm"));
        Assert.Equal(2L, first.Written);
        Assert.Equal(0L, again.Written);
    }

    [Fact]
    public async Task Process_FirstEventUnderTheSegment_IsCountedLiveAndNeedsNoBackfill()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("big-spenders", BigOrder, "crm");
        var now = s.Cdp.Time.GetUtcNow();

        await s.Cdp.ProcessAsync(Order("new", "m1", 70, now.AddHours(-2)));
        await s.Cdp.ProcessAsync(Order("new", "m2", 60, now));

        var profile = await s.ProfileAsync("new");
        Assert.True(profile.Segments["big-spenders"].Member);
        Assert.Single(profile.Rollups.Backfilled);
        Assert.Equal(0L, (await s.RefreshAsync()).Written);
    }
}
