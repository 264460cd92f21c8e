using System.Text.Json;
using Cdp.Core.Profiles;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>
/// Event conditions answered from daily rollups. Now is 2025-03-14T15:09:26Z, so <c>within P30D</c> covers the UTC days
/// 2025-02-12 through 2025-03-14.
/// </summary>
public sealed class EventConditionTests
{
    private const string Ordered30Days = """{"event":"Order Completed","within":"P30D"}""";

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2025-02-12T00:00:00Z", true)]
    [InlineData("2025-02-11T23:59:59Z", false)]
    [InlineData("2025-03-14T00:00:00Z", true)]
    [InlineData("2025-03-14T23:59:59Z", true)]
    [InlineData("2025-03-15T00:00:00Z", false)]
    [InlineData("2025-02-12T00:30:00+01:00", false)]
    public void Within_EventOnOrAroundTheWindowEdges_CountsWholeUtcDaysThroughToday(string eventTime, bool expected)
    {
        var profile = NewProfile().Counted("Order Completed", At(eventTime));

        Assert.Equal(expected, Matches(Ordered30Days, profile));
    }

    [Fact]
    public void Within_FutureDatedEvent_CountsOnceItsDayArrives()
    {
        var profile = NewProfile().Counted("Order Completed", At("2025-03-16T09:00:00Z"));

        Assert.False(Matches(Ordered30Days, profile, Now));
        Assert.True(Matches(Ordered30Days, profile, At("2025-03-16T00:00:00Z")));
    }

    [Theory]
    [InlineData("2025-02-28T12:00:00Z", true)]
    [InlineData("2025-02-27T23:59:59Z", false)]
    public void Within_Weeks_AreSevenDaysEach(string eventTime, bool expected)
    {
        var profile = NewProfile().Counted("Order Completed", At(eventTime));

        Assert.Equal(expected, Matches("""{"event":"Order Completed","within":"P2W"}""", profile));
    }

    [Fact]
    public void Event_NoWithin_CountsEveryKeptDayUpToToday()
    {
        var profile = NewProfile().Counted("Order Completed", At("2023-01-01T00:00:00Z"));

        Assert.True(Matches("""{"event":"Order Completed"}""", profile));
        Assert.False(Matches("""{"event":"Signed Up"}""", profile));
    }

    [Theory]
    [InlineData("gte", 3, true)]
    [InlineData("gte", 4, false)]
    [InlineData("gt", 2, true)]
    [InlineData("gt", 3, false)]
    [InlineData("lte", 3, true)]
    [InlineData("lte", 2, false)]
    [InlineData("lt", 4, true)]
    [InlineData("lt", 3, false)]
    [InlineData("eq", 3, true)]
    [InlineData("eq", 2, false)]
    public void Count_ThreeEventsOverTwoDays_ComparesTheTotal(string op, int count, bool expected)
    {
        var profile = NewProfile().Counted("Order Completed", Now.AddDays(-1), 2).Counted("Order Completed", Now);

        Assert.Equal(expected, Matches($$"""{"event":"Order Completed","count":{"{{op}}":{{count}}},"within":"P7D"}""", profile));
    }

    [Fact]
    public void Count_EqZeroOrLtOne_MatchesPeopleWhoNeverDidIt()
    {
        var profile = NewProfile().Counted("Order Completed", Now.AddDays(-40));

        Assert.True(Matches("""{"event":"Order Completed","count":{"eq":0},"within":"P30D"}""", profile));
        Assert.True(Matches("""{"event":"Order Completed","count":{"lt":1},"within":"P30D"}""", profile));
    }

    [Fact]
    public void Event_CallType_ReadsTheCountKeptByCallType()
    {
        var profile = NewProfile().Counted("page", Now, 5);

        Assert.True(Matches("""{"event":"page","count":{"gte":5},"within":"P1D"}""", profile));
    }

    [Fact]
    public void Where_FilteredCount_ReadsTheFilterKeyNotThePlainCount()
    {
        var segment = Compile("""{"event":"Order Completed","count":{"gte":2},"within":"P30D","where":[{"property":"total","op":"gt","value":50}]}""");
        var key = Assert.Single(segment.Needs.Filters).Key;
        var plainOnly = NewProfile().Counted("Order Completed", Now, 5);
        var filtered = NewProfile().Counted("Order Completed", Now, 5).Counted(key, Now, 2);

        Assert.False(segment.Matches(plainOnly, Now));
        Assert.True(segment.Matches(filtered, Now));
    }

    [Theory]
    [InlineData("""{"total":50.01,"currency":"EUR"}""", true)]
    [InlineData("""{"total":50,"currency":"EUR"}""", false)]
    [InlineData("""{"total":"75","currency":"EUR"}""", true)]
    [InlineData("""{"total":75,"currency":"USD"}""", false)]
    [InlineData("""{"currency":"EUR"}""", false)]
    [InlineData("""{"total":80,"currency":"EUR","shipping":{"country":"NO"}}""", true)]
    public void Passes_WhereFilters_EveryFilterMustHoldOnTheEventProperties(string properties, bool expected)
    {
        var segment = Compile("""{"event":"Order Completed","where":[{"property":"total","op":"gt","value":50},{"property":"currency","op":"eq","value":"EUR"}]}""");
        var filter = Assert.Single(segment.Needs.Filters);

        Assert.Equal(expected, filter.Passes(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(properties)));
    }

    [Fact]
    public void Passes_NoProperties_FailsEveryFilterButExistsFalse()
    {
        var absent = Compile("""{"event":"page","where":[{"property":"coupon","op":"exists","value":false}]}""");
        var present = Compile("""{"event":"page","where":[{"property":"coupon","op":"exists"}]}""");

        Assert.True(absent.Needs.Filters[0].Passes(null));
        Assert.False(present.Needs.Filters[0].Passes(null));
    }

    [Fact]
    public void Passes_NestedProperty_ReadsTheMember()
    {
        var segment = Compile("""{"event":"Order Completed","where":[{"property":"shipping.country","op":"in","value":["NO","SE"]}]}""");

        Assert.True(segment.Needs.Filters[0].Passes(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"shipping":{"country":"SE"}}""")));
    }

    [Fact]
    public void Needs_SameFiltersInAnyOrderOrNumberSpelling_ShareOneKey()
    {
        var a = Compile("""{"event":"Order Completed","where":[{"property":"total","op":"gt","value":50},{"property":"currency","op":"in","value":["EUR","NOK"]}]}""");
        var b = Compile("""{"event":"Order Completed","where":[{"property":"currency","op":"in","value":["NOK","EUR"]},{"property":"total","op":"gt","value":50.00}]}""");
        var other = Compile("""{"event":"Order Completed","where":[{"property":"total","op":"gte","value":50}]}""");

        Assert.Equal(a.Needs.Filters[0].Key, b.Needs.Filters[0].Key);
        Assert.NotEqual(a.Needs.Filters[0].Key, other.Needs.Filters[0].Key);
        Assert.Matches("^Order Completed#[0-9a-f]{12}$", a.Needs.Filters[0].Key);
    }

    [Fact]
    public void Needs_ExistsWithAndWithoutTrue_ShareOneKey()
    {
        var bare = Compile("""{"event":"Order Completed","where":[{"property":"coupon","op":"exists"}]}""");
        var explicitTrue = Compile("""{"event":"Order Completed","where":[{"property":"coupon","op":"exists","value":true}]}""");

        Assert.Equal(bare.Needs.Filters[0].Key, explicitTrue.Needs.Filters[0].Key);
    }

    [Fact]
    public void Needs_SeveralEventConditions_ListEachFilterOnceAndTheLongestWindow()
    {
        var where = """[{"property":"total","op":"gt","value":50}]""";
        var segment = Compile($$"""
            {"any":[
              {"event":"Order Completed","within":"P30D","where":{{where}}},
              {"event":"Order Completed","count":{"gte":3},"within":"P12W","where":{{where}}},
              {"event":"Product Viewed","within":"P7D"},
              {"event":"Signed Up"}]}
            """);

        Assert.Single(segment.Needs.Filters);
        Assert.Equal("Order Completed", segment.Needs.Filters[0].Event);
        Assert.Equal(TimeSpan.FromDays(84), segment.Needs.LongestWindow);
    }

    [Fact]
    public void Needs_TraitsOnly_NeedNoRollups()
    {
        var segment = Compile("""{"trait":"plan","op":"eq","value":"pro"}""");

        Assert.Empty(segment.Needs.Filters);
        Assert.Equal(TimeSpan.Zero, segment.Needs.LongestWindow);
    }

    [Fact]
    public void Matches_ProfileWithoutRollups_NoEventCountsAreZero()
    {
        var profile = new Profile { Id = "p", CreatedAt = Now, UpdatedAt = Now };

        Assert.False(Matches("""{"event":"Order Completed"}""", profile));
        Assert.True(Matches("""{"not":{"event":"Order Completed"}}""", profile));
    }
}
