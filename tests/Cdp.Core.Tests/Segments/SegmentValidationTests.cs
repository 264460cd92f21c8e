using Cdp.Core.Segments;
using static Cdp.Core.Tests.Segments.SegmentKit;

namespace Cdp.Core.Tests.Segments;

/// <summary>Every problem in a definition comes back with its JSON path and a message a marketer can act on.</summary>
public sealed class SegmentValidationTests
{
    private static SegmentProblem Only(string definition) => Assert.Single(Problems(definition));

    [Theory]
    [InlineData("""{"all":[{"trait":"a","op":"eq","value":1},{"trait":"plan","op":"like","value":"x"}]}""", "$.definition.all[1].op", "\"like\" is not an operator")]
    [InlineData("""{"trait":"plan","op":5,"value":"x"}""", "$.definition.op", "5 is not an operator")]
    [InlineData("""{"trait":"plan","value":"x"}""", "$.definition", "needs an \"op\"")]
    [InlineData("""{"trait":"plan","op":"eq"}""", "$.definition", "\"eq\" needs a \"value\"")]
    [InlineData("""{"trait":"plan","op":"eq","value":null}""", "$.definition.value", "text, a number or true/false")]
    [InlineData("""{"trait":"plan","op":"eq","value":{"a":1}}""", "$.definition.value", "text, a number or true/false")]
    [InlineData("""{"trait":"age","op":"gt","value":true}""", "$.definition.value", "needs a number, a date")]
    [InlineData("""{"trait":"url","op":"startsWith","value":7}""", "$.definition.value", "startsWith needs text")]
    [InlineData("""{"trait":"plan","op":"in","value":"pro"}""", "$.definition.value", "in needs a list")]
    [InlineData("""{"trait":"plan","op":"in","value":[]}""", "$.definition.value", "in needs a list")]
    [InlineData("""{"trait":"plan","op":"in","value":["pro",[1]]}""", "$.definition.value[1]", "text, a number or true/false")]
    [InlineData("""{"trait":"age","op":"between","value":[18]}""", "$.definition.value", "between needs two values")]
    [InlineData("""{"trait":"age","op":"between","value":[65,18]}""", "$.definition.value", "lowest value first")]
    [InlineData("""{"trait":"age","op":"between","value":[18,"2025-01-01"]}""", "$.definition.value", "same kind")]
    [InlineData("""{"trait":"age","op":"between","value":[18,true]}""", "$.definition.value[1]", "needs a number, a date")]
    [InlineData("""{"trait":"plan","op":"exists","value":"yes"}""", "$.definition.value", "exists takes no value, or true")]
    [InlineData("""{"trait":"","op":"exists"}""", "$.definition.trait", "needs a trait name")]
    [InlineData("""{"trait":3,"op":"exists"}""", "$.definition.trait", "needs a trait name")]
    public void Compile_BadTraitCondition_NamesTheProblemAndWhere(string definition, string path, string message)
    {
        var problem = Only(definition);

        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"trait":"computed.score","op":"exists"}""", "is not a computed trait")]
    [InlineData("""{"trait":"computed.sums.Order Completed.tax","op":"gt","value":1}""", "Cdp:Profiles:Sums")]
    [InlineData("""{"trait":"computed.eventCounts.","op":"gt","value":1}""", "is not a computed trait")]
    public void Compile_UnknownComputedTrait_SaysWhichExist(string definition, string message)
    {
        var problem = Only(definition);

        Assert.Equal("$.definition.trait", problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"trait":"computed.eventCount","op":"gt","value":"many"}""", "is a number")]
    [InlineData("""{"trait":"computed.eventCounts.page","op":"between","value":["a","b"]}""", "is a number")]
    [InlineData("""{"trait":"computed.lastSeen","op":"gt","value":5}""", "is a date")]
    [InlineData("""{"trait":"computed.firstSeen","op":"lt","value":"yesterday"}""", "is a date")]
    public void Compile_ComputedTraitOrderedByTheWrongType_IsRefused(string definition, string message)
    {
        var problem = Only(definition);

        Assert.Equal("$.definition.value", problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"30 days\"")]
    [InlineData("\"P1M\"")]
    [InlineData("\"PT12H\"")]
    [InlineData("\"P0D\"")]
    [InlineData("\"P3651D\"")]
    [InlineData("\"-P30D\"")]
    [InlineData("30")]
    public void Compile_BadWithin_SaysWhichPeriodsAreAccepted(string within)
    {
        var problem = Only($$"""{"event":"Order Completed","within":{{within}}}""");

        Assert.Equal("$.definition.within", problem.Path);
        Assert.Contains("\"P30D\" or \"P2W\"", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"event":"x","count":2}""", "$.definition.count", "count needs one comparison")]
    [InlineData("""{"event":"x","count":{"gte":1,"lte":5}}""", "$.definition.count", "count needs one comparison")]
    [InlineData("""{"event":"x","count":{"atLeast":2}}""", "$.definition.count.atLeast", "is not a count comparison")]
    [InlineData("""{"event":"x","count":{"gte":-1}}""", "$.definition.count.gte", "whole number of 0 or more")]
    [InlineData("""{"event":"x","count":{"gte":1.5}}""", "$.definition.count.gte", "whole number of 0 or more")]
    [InlineData("""{"event":"","count":{"gte":1}}""", "$.definition.event", "needs an event name")]
    [InlineData("""{"event":"x","where":[]}""", "$.definition.where", "where needs a list of 1 to 20 filters")]
    [InlineData("""{"event":"x","where":{"property":"a","op":"exists"}}""", "$.definition.where", "where needs a list")]
    [InlineData("""{"event":"x","where":[{"op":"exists"}]}""", "$.definition.where[0]", "must be a filter")]
    [InlineData("""{"event":"x","where":[{"property":"a","op":"exists","negate":true}]}""", "$.definition.where[0].negate", "is not part of a where filter")]
    [InlineData("""{"event":"x","where":[{"property":"at","op":"gt","value":"-P1D"}]}""", "$.definition.where[0].value", "cannot use a relative date")]
    [InlineData("""{"event":"x","where":[{"property":"a","op":"near","value":1}]}""", "$.definition.where[0].op", "is not an operator")]
    [InlineData("""{"event":"x","when":"P1D"}""", "$.definition.when", "which takes event, count, within, where")]
    public void Compile_BadEventCondition_NamesTheProblemAndWhere(string definition, string path, string message)
    {
        var problem = Only(definition);

        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"all":[]}""", "$.definition.all", "at least one condition")]
    [InlineData("""{"any":{"consent":"marketing"}}""", "$.definition.any", "at least one condition")]
    [InlineData("""{"all":[42]}""", "$.definition.all[0]", "must be a condition")]
    [InlineData("""[]""", "$.definition", "must be a condition")]
    [InlineData("""{}""", "$.definition", "needs one of all, any, not, trait, event or consent")]
    [InlineData("""{"trait":"a","op":"exists","event":"b"}""", "$.definition", "mixes trait and event")]
    [InlineData("""{"trait":"plan","op":"eq","value":"x","negate":true}""", "$.definition.negate", "\"negate\" is not part of a trait condition")]
    [InlineData("""{"not":{"consent":"marketing"},"also":1}""", "$.definition.also", "is not part of a not condition")]
    [InlineData("""{"consent":"newsletter"}""", "$.definition.consent", "is not a consent purpose; use one of analytics, marketing")]
    [InlineData("""{"consent":true}""", "$.definition.consent", "is not a consent purpose")]
    public void Compile_BadStructure_NamesTheProblemAndWhere(string definition, string path, string message)
    {
        var problem = Only(definition);

        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NestedDeeperThanTheLimit_IsRefusedAtTheTooDeepCondition()
    {
        var definition = string.Concat(Enumerable.Repeat("{\"not\":", 32)) + "{\"consent\":\"marketing\"}" + new string('}', 32);

        var problem = Only(definition);

        Assert.Equal("$.definition" + string.Concat(Enumerable.Repeat(".not", 32)), problem.Path);
        Assert.Contains("nested more than 32 levels", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NestedExactlyToTheLimit_IsAccepted()
    {
        var definition = string.Concat(Enumerable.Repeat("{\"not\":", 31)) + "{\"consent\":\"marketing\"}" + new string('}', 31);

        Assert.NotNull(Compile(definition));
    }

    [Fact]
    public void Compile_MoreThan200Conditions_IsRefusedOnce()
    {
        var conditions = string.Join(',', Enumerable.Repeat("""{"consent":"marketing"}""", 200));

        var problem = Only($$"""{"any":[{{conditions}}]}""");

        Assert.Equal("$.definition", problem.Path);
        Assert.Contains("more than 200 conditions", problem.Message, StringComparison.Ordinal);
        Assert.NotNull(Compile($$"""{"any":[{{string.Join(',', Enumerable.Repeat("""{"consent":"marketing"}""", 199))}}]}"""));
    }

    [Fact]
    public void Compile_FarTooManyBadConditions_StopsReadingAtTheLimit()
    {
        var conditions = string.Join(',', Enumerable.Repeat("""{"trait":"plan","op":"like"}""", 5000));

        var problems = Problems($$"""{"any":[{{conditions}}]}""");

        Assert.Equal(200, problems.Count);
        Assert.Contains(problems, p => p.Path == "$.definition" && p.Message.Contains("more than 200", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_InListOverTheLimit_IsRefused()
    {
        var problem = Only($$"""{"trait":"zip","op":"in","value":[{{string.Join(',', Enumerable.Range(0, 1001))}}]}""");

        Assert.Equal("$.definition.value", problem.Path);
        Assert.Contains("at most 1000", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SeveralProblems_ReportsEveryOne()
    {
        var problems = Problems("""
            {"all":[
              {"trait":"plan","op":"like","value":"x"},
              {"event":"Order Completed","within":"P1M","count":{"gte":-2}},
              {"consent":"newsletter"},
              {"any":[]}]}
            """);

        Assert.Equal(
            ["$.definition.all[0].op", "$.definition.all[1].count.gte", "$.definition.all[1].within", "$.definition.all[2].consent", "$.definition.all[3].any"],
            problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compile_PathGiven_PrefixesEveryProblem()
    {
        var compilation = Compiler.Compile(Json("""{"trait":"plan","op":"like","value":"x"}"""), "$.segments[2].definition");

        Assert.Equal("$.segments[2].definition.op", Assert.Single(compilation.Problems).Path);
    }
}
