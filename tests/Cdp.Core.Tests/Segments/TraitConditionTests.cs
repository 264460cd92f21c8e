using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>Every operator on profile traits, as a marketer writing a definition would expect it to behave.</summary>
public sealed class TraitConditionTests
{
    private static string Condition(string op, string? value) =>
        value is null ? $$"""{"trait":"t","op":"{{op}}"}""" : $$"""{"trait":"t","op":"{{op}}","value":{{value}}}""";

    private static bool TraitMatches(string? traitJson, string op, string? value) =>
        Matches(Condition(op, value), traitJson is null ? NewProfile() : WithTraits(("t", traitJson)));

    [Theory]
    [InlineData("\"pro\"", "\"pro\"", true)]
    [InlineData("\"Pro\"", "\"pro\"", false)]
    [InlineData("\"pro \"", "\"pro\"", false)]
    [InlineData("42", "42", true)]
    [InlineData("42.0", "42", true)]
    [InlineData("\"42\"", "42", true)]
    [InlineData("42", "\"42\"", false)]
    [InlineData("true", "true", true)]
    [InlineData("\"true\"", "true", false)]
    [InlineData("false", "true", false)]
    [InlineData("\"2025-03-01T10:00:00+01:00\"", "\"2025-03-01T09:00:00Z\"", true)]
    [InlineData("\"2025-03-01\"", "\"2025-03-01T00:00:00Z\"", true)]
    [InlineData("null", "\"pro\"", false)]
    [InlineData("[\"pro\"]", "\"pro\"", false)]
    [InlineData(null, "\"pro\"", false)]
    public void Eq_TraitAgainstValue_MatchesOnlyEqualValuesOfAComparableType(string? trait, string value, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, "eq", value));
    }

    [Theory]
    [InlineData("\"pro\"", "\"pro\"", false)]
    [InlineData("\"free\"", "\"pro\"", true)]
    [InlineData("42", "\"pro\"", true)]
    [InlineData(null, "\"pro\"", true)]
    public void Neq_Always_IsTheOppositeOfEqIncludingMissingTraits(string? trait, string value, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, "neq", value));
    }

    [Theory]
    [InlineData("\"enterprise\"", true)]
    [InlineData("\"pro\"", true)]
    [InlineData("\"free\"", false)]
    [InlineData("3", true)]
    [InlineData(null, false)]
    public void In_List_MatchesAnyItem(string? trait, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, "in", "[\"pro\",\"enterprise\",3]"));
    }

    [Theory]
    [InlineData("\"jane@example.com\"", "\"@example.\"", true)]
    [InlineData("\"jane@EXAMPLE.com\"", "\"@example.\"", false)]
    [InlineData("[\"vip\",\"beta\"]", "\"beta\"", true)]
    [InlineData("[\"vip\",\"beta\"]", "\"bet\"", false)]
    [InlineData("[1,2,3]", "2", true)]
    [InlineData("12345", "\"23\"", false)]
    [InlineData(null, "\"a\"", false)]
    public void Contains_TextOrList_FindsTextInTextOrAnItemInAList(string? trait, string value, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, "contains", value));
    }

    [Theory]
    [InlineData("\"https://shop.example\"", true)]
    [InlineData("\"HTTPS://shop.example\"", false)]
    [InlineData("\"http://shop.example\"", false)]
    [InlineData("7", false)]
    [InlineData(null, false)]
    public void StartsWith_Text_IsCaseSensitive(string? trait, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, "startsWith", "\"https://\""));
    }

    [Theory]
    [InlineData("gt", "50.01", true)]
    [InlineData("gt", "50", false)]
    [InlineData("gte", "50", true)]
    [InlineData("gte", "49.99", false)]
    [InlineData("lt", "49.99", true)]
    [InlineData("lt", "50", false)]
    [InlineData("lte", "50", true)]
    [InlineData("lte", "50.01", false)]
    [InlineData("gt", "\"60\"", true)]
    [InlineData("gt", "\"lots\"", false)]
    [InlineData("gt", "true", false)]
    public void Ordering_NumberAgainstFifty_ComparesNumerically(string op, string trait, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, op, "50"));
    }

    [Theory]
    [InlineData("gt", "\"b\"", "\"a\"", true)]
    [InlineData("gt", "\"B\"", "\"a\"", false)]
    [InlineData("lt", "\"apple\"", "\"banana\"", true)]
    [InlineData("gte", "\"10\"", "\"9\"", false)]
    public void Ordering_Text_ComparesOrdinallyCaseSensitive(string op, string trait, string value, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, op, value));
    }

    [Theory]
    [InlineData("gt", "\"2025-03-02T00:00:00Z\"", "\"2025-03-01\"", true)]
    [InlineData("gt", "\"2025-03-01T00:30:00+01:00\"", "\"2025-03-01\"", false)]
    [InlineData("lte", "\"2025-02-28T23:59:59Z\"", "\"2025-03-01\"", true)]
    [InlineData("lt", "\"not a date\"", "\"2025-03-01\"", false)]
    [InlineData("gte", "1740787200", "\"2025-03-01\"", false)]
    public void Ordering_Dates_CompareAsInstants(string op, string trait, string value, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, op, value));
    }

    [Theory]
    [InlineData("-P30D", "2025-02-12T15:09:27Z", true)]
    [InlineData("-P30D", "2025-02-12T15:09:25Z", false)]
    [InlineData("-P1W", "2025-03-07T15:09:26Z", true)]
    [InlineData("+P1D", "2025-03-15T15:09:26Z", true)]
    public void Gte_RelativeDate_IsMeasuredFromTheEvaluationTime(string relative, string trait, bool expected)
    {
        Assert.Equal(expected, TraitMatches($"\"{trait}\"", "gte", $"\"{relative}\""));
    }

    [Theory]
    [InlineData("18", true)]
    [InlineData("65", true)]
    [InlineData("40", true)]
    [InlineData("17.99", false)]
    [InlineData("65.01", false)]
    [InlineData("\"40\"", true)]
    [InlineData("\"forty\"", false)]
    [InlineData(null, false)]
    public void Between_Numbers_IncludesBothEnds(string? trait, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, "between", "[18,65]"));
    }

    [Theory]
    [InlineData("\"2025-01-01T00:00:00Z\"", true)]
    [InlineData("\"2025-01-31T23:59:59Z\"", true)]
    [InlineData("\"2025-02-01T00:00:00Z\"", true)]
    [InlineData("\"2025-02-01T00:00:01Z\"", false)]
    [InlineData("\"2024-12-31T23:59:59Z\"", false)]
    public void Between_Dates_IncludesBothInstants(string trait, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, "between", "[\"2025-01-01\",\"2025-02-01\"]"));
    }

    [Theory]
    [InlineData("\"x\"", null, true)]
    [InlineData("\"\"", null, true)]
    [InlineData("0", "true", true)]
    [InlineData("null", null, false)]
    [InlineData(null, null, false)]
    [InlineData(null, "false", true)]
    [InlineData("null", "false", true)]
    [InlineData("\"x\"", "false", false)]
    public void Exists_PresentAndNotNull_MatchesWhenAskedFor(string? trait, string? value, bool expected)
    {
        Assert.Equal(expected, TraitMatches(trait, "exists", value));
    }

    [Fact]
    public void Eq_DottedName_ReadsAMemberOfAnObjectTrait()
    {
        var profile = WithTraits(("address", """{"city":"Oslo","geo":{"country":"NO"}}"""));

        Assert.True(Matches("""{"trait":"address.city","op":"eq","value":"Oslo"}""", profile));
        Assert.True(Matches("""{"trait":"address.geo.country","op":"eq","value":"NO"}""", profile));
        Assert.False(Matches("""{"trait":"address.zip","op":"exists"}""", profile));
    }

    [Fact]
    public void Eq_DottedNameThatIsATraitOfItsOwn_ReadsThatTraitFirst()
    {
        var profile = WithTraits(("utm.source", "\"newsletter\""), ("utm", """{"source":"ads"}"""));

        Assert.True(Matches("""{"trait":"utm.source","op":"eq","value":"newsletter"}""", profile));
    }
}
