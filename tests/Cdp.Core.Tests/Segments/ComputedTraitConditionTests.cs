using Cdp.Core.Profiles;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>Computed traits are addressed like traits under "computed.".</summary>
public sealed class ComputedTraitConditionTests
{
    private static Profile Active()
    {
        var profile = NewProfile();
        profile.Computed.EventCount = 12;
        profile.Computed.FirstSeen = new DateTimeOffset(2024, 6, 1, 8, 0, 0, TimeSpan.Zero);
        profile.Computed.LastSeen = Now.AddDays(-3);
        profile.Computed.LastChannel = "web";
        profile.Computed.LastSource = "src-web";
        profile.Computed.EventCounts["Order Completed"] = 3;
        profile.Computed.EventCounts["page"] = 9;
        profile.Computed.Sums["Order Completed.revenue"] = 249.50m;
        return profile;
    }

    [Theory]
    [InlineData("""{"trait":"computed.eventCount","op":"gte","value":12}""", true)]
    [InlineData("""{"trait":"computed.eventCount","op":"gt","value":12}""", false)]
    [InlineData("""{"trait":"computed.firstSeen","op":"lt","value":"2024-06-02"}""", true)]
    [InlineData("""{"trait":"computed.firstSeen","op":"eq","value":"2024-06-01T10:00:00+02:00"}""", true)]
    [InlineData("""{"trait":"computed.lastSeen","op":"gte","value":"-P7D"}""", true)]
    [InlineData("""{"trait":"computed.lastSeen","op":"gte","value":"-P2D"}""", false)]
    [InlineData("""{"trait":"computed.lastSeen","op":"between","value":["-P4D","-P2D"]}""", true)]
    [InlineData("""{"trait":"computed.lastChannel","op":"eq","value":"web"}""", true)]
    [InlineData("""{"trait":"computed.lastSource","op":"startsWith","value":"src-"}""", true)]
    [InlineData("""{"trait":"computed.eventCounts.Order Completed","op":"eq","value":3}""", true)]
    [InlineData("""{"trait":"computed.eventCounts.page","op":"between","value":[5,9]}""", true)]
    [InlineData("""{"trait":"computed.eventCounts.Signed Up","op":"eq","value":0}""", true)]
    [InlineData("""{"trait":"computed.sums.Order Completed.revenue","op":"gt","value":249.49}""", true)]
    [InlineData("""{"trait":"computed.sums.Order Completed.total","op":"eq","value":0}""", true)]
    public void Matches_ComputedTrait_ReadsTheComputedValue(string definition, bool expected)
    {
        Assert.Equal(expected, Matches(definition, Active()));
    }

    [Theory]
    [InlineData("computed.firstSeen")]
    [InlineData("computed.lastSeen")]
    [InlineData("computed.lastChannel")]
    public void Exists_NewProfileWithoutEvents_DatesAndChannelAreMissing(string trait)
    {
        Assert.False(Matches($$"""{"trait":"{{trait}}","op":"exists"}""", NewProfile()));
    }

    [Fact]
    public void Matches_TraitNamedLikeAComputedOneWithoutThePrefix_ReadsTheTrait()
    {
        var profile = WithTraits(("eventCount", "1"));
        profile.Computed.EventCount = 5;

        Assert.True(Matches("""{"trait":"eventCount","op":"eq","value":1}""", profile));
    }
}
