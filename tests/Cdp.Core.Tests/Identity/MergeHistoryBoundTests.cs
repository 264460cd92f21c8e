using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Identity;

/// <summary>A merge brings the loser's history along; the refused-identifier lines stay bounded on the survivor.</summary>
public sealed class MergeHistoryBoundTests
{
    private static readonly DateTimeOffset Now = TestOptions.Now;

    [Fact]
    public void Merge_BothSidesFullOfRefusals_SurvivorKeepsTheNewestRefusalsAndEveryMergeLine()
    {
        using var cdp = new CoreHarness();
        var merger = cdp.Services.GetRequiredService<ProfileMerger>();
        var limit = ProfileHistoryLimits.DroppedIdentifierLines;
        var survivor = WithRefusals("p-s", "s", limit, Now.AddDays(-2));
        var loser = WithRefusals("p-l", "l", limit, Now.AddDays(-1));

        merger.Merge(survivor, loser, Now, "same person");

        var refused = survivor.History.Where(h => h.Kind == HistoryKinds.IdentifierDropped).ToList();
        Assert.Equal(limit, refused.Count);
        Assert.All(refused, h => Assert.StartsWith("l", h.MessageId, StringComparison.Ordinal));
        Assert.Equal(2, survivor.History.Count(h => h.Kind == HistoryKinds.Created));
        Assert.Contains(survivor.History, h => h.Kind == HistoryKinds.MergedFrom && h.OtherProfileId == "p-l");
    }

    private static Profile WithRefusals(string id, string prefix, int count, DateTimeOffset from)
    {
        var profile = new Profile { Id = id, CreatedAt = from, UpdatedAt = from };
        profile.AddHistory(new ProfileHistoryEntry(from, HistoryKinds.Created, "first seen"));
        for (var i = 0; i < count; i++)
        {
            profile.AddHistory(new ProfileHistoryEntry(from.AddSeconds(i), HistoryKinds.IdentifierDropped, "over the limit",
                IdentityId: "anonymousId:ab", MessageId: $"{prefix}{i}"));
        }

        return profile;
    }
}
