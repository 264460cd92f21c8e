using Cdp.Core.Profiles;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>all / any / not, and consent granted now.</summary>
public sealed class GroupAndConsentConditionTests
{
    private const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";
    private const string Adult = """{"trait":"age","op":"gte","value":18}""";

    [Theory]
    [InlineData("\"pro\"", "30", true)]
    [InlineData("\"pro\"", "12", false)]
    [InlineData("\"free\"", "30", false)]
    public void All_EveryConditionMustHold(string plan, string age, bool expected)
    {
        Assert.Equal(expected, Matches($$"""{"all":[{{Pro}},{{Adult}}]}""", WithTraits(("plan", plan), ("age", age))));
    }

    [Theory]
    [InlineData("\"pro\"", "12", true)]
    [InlineData("\"free\"", "30", true)]
    [InlineData("\"free\"", "12", false)]
    public void Any_OneConditionSuffices(string plan, string age, bool expected)
    {
        Assert.Equal(expected, Matches($$"""{"any":[{{Pro}},{{Adult}}]}""", WithTraits(("plan", plan), ("age", age))));
    }

    [Theory]
    [InlineData("\"pro\"", false)]
    [InlineData("\"free\"", true)]
    [InlineData(null, true)]
    public void Not_InvertsTheCondition(string? plan, bool expected)
    {
        var profile = plan is null ? NewProfile() : WithTraits(("plan", plan));

        Assert.Equal(expected, Matches($$"""{"not":{{Pro}}}""", profile));
    }

    [Fact]
    public void Matches_NestedGroups_CombineAsWritten()
    {
        var definition = $$$"""{"all":[{"any":[{{{Pro}}},{"trait":"vip","op":"eq","value":true}]},{"not":{"trait":"churned","op":"exists"}}]}""";

        Assert.True(Matches(definition, WithTraits(("vip", "true"))));
        Assert.False(Matches(definition, WithTraits(("vip", "true"), ("churned", "\"2025-01-01\""))));
        Assert.False(Matches(definition, WithTraits(("plan", "\"free\""))));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Consent_CurrentAnswer_DecidesMembership(bool granted, bool expected)
    {
        var profile = NewProfile();
        profile.Consent["marketing"] = new ConsentState(granted, Now.AddDays(-1), "web");

        Assert.Equal(expected, Matches("""{"consent":"marketing"}""", profile));
    }

    [Fact]
    public void Consent_NoAnswer_IsNotGranted()
    {
        Assert.False(Matches("""{"consent":"analytics"}""", NewProfile()));
    }

    [Theory]
    [InlineData("Advertising")]
    [InlineData("MARKETING")]
    public void Consent_AliasOrOtherCase_ReadsTheConfiguredPurpose(string name)
    {
        var profile = NewProfile();
        profile.Consent["marketing"] = new ConsentState(true, Now, "web");

        Assert.True(Matches($$"""{"consent":"{{name}}"}""", profile));
    }
}
