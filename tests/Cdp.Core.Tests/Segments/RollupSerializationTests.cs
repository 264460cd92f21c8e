using System.Text.Json;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>Rollups survive the profile document's round trip through the source-generated serializer.</summary>
public sealed class RollupSerializationTests
{
    [Fact]
    public void Serialize_ProfileWithRollups_RoundTripsAndStillMatches()
    {
        const string BigOrders = """{"event":"Order Completed","where":[{"property":"total","op":"gt","value":50}],"within":"P1D"}""";
        var filter = Compile(BigOrders).Needs.Filters[0];
        var profile = NewProfile().Counted("Order Completed", Now, 2).Counted(filter.Key, Now.AddDays(-1));
        profile.Rollups.Days["2025-03-14"].Sums["Order Completed.revenue"] = 12.5m;
        profile.Rollups.Backfilled[filter.Key] = "2025-01-01";

        var json = JsonSerializer.Serialize(profile, CdpJsonContext.Default.Profile);
        var copy = JsonSerializer.Deserialize(json, CdpJsonContext.Default.Profile)!;

        Assert.Equal(["2025-03-13", "2025-03-14"], copy.Rollups.Days.Keys);
        Assert.Equal(12.5m, copy.Rollups.Days["2025-03-14"].Sums["Order Completed.revenue"]);
        Assert.Equal("2025-01-01", copy.Rollups.Backfilled[filter.Key]);
        Assert.True(Matches(BigOrders, copy));
    }
}
