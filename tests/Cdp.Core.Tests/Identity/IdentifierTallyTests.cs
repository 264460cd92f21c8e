using Cdp.Core.Identity;
using Cdp.Core.Profiles;

namespace Cdp.Core.Tests.Identity;

/// <summary>The one identifier-limit rule the graph, the lost-race repair and the merge activities share.</summary>
public sealed class IdentifierTallyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ProfileIdentifier Id(string type, string value) => new(type, value, $"{type}:{value}", T0);

    private static IdentifierTally Tally(int maxPerProfile = 1_000, params ProfileIdentifier[] ids)
    {
        var tally = new IdentifierTally(new IdentityOptions { Pepper = "pepper-for-tests-0001", MaxIdentifiersPerProfile = maxPerProfile });
        tally.AddAll(ids);
        return tally;
    }

    [Fact]
    public void WouldBreak_SecondUserId_NamesTheTypeLimit()
    {
        var tally = Tally(ids: Id("userId", "u1"));

        Assert.Equal("1 userId identifier(s)", tally.WouldBreak("userId"));
        Assert.Null(tally.WouldBreak("email"));
    }

    [Fact]
    public void WouldBreak_ProfileTotalReached_NamesTheTotalLimit()
    {
        var tally = Tally(2, Id("email", "e1"), Id("email", "e2"));

        Assert.Equal("2 identifiers", tally.WouldBreak("anonymousId"));
    }

    [Fact]
    public void Add_SameIdentifierTwice_CountsItOnce()
    {
        var tally = Tally();
        tally.Add("userId", "userId:u1");
        tally.Add("userId", "userId:u1");

        Assert.Equal(1, tally.Count);
        Assert.Null(tally.WouldBreak([Id("userId", "u1")]));
    }

    [Fact]
    public void WouldBreak_SetWithAnotherUserId_NamesTheLimitAndCountsNothing()
    {
        var tally = Tally(ids: Id("userId", "u1"));

        Assert.Equal("1 userId identifier(s)", tally.WouldBreak([Id("anonymousId", "a1"), Id("userId", "u2")]));
        Assert.Equal(1, tally.Count);
    }

    [Fact]
    public void WouldBreak_SetOverTheTotal_NamesTheTotalLimit()
    {
        var tally = Tally(3, Id("email", "e1"), Id("email", "e2"));

        Assert.Null(tally.WouldBreak([Id("email", "e1"), Id("anonymousId", "a1")]));
        Assert.Equal("3 identifiers", tally.WouldBreak([Id("anonymousId", "a1"), Id("anonymousId", "a2")]));
    }
}
