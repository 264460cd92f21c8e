using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Consent;

/// <summary>Merging two records of one person never widens what they agreed to, and keeps both histories.</summary>
public sealed class ConsentMergeTests
{
    private static readonly DateTimeOffset Now = TestOptions.Now;

    [Fact]
    public void Merge_LoserDeniedWhatSurvivorGranted_DenialWinsAndHistoryShowsTheChange()
    {
        using var cdp = new CoreHarness();
        var merger = cdp.Services.GetRequiredService<ProfileMerger>();
        var survivor = ConsentBuilders.ProfileWith("p-s", ("marketing", true, Now.AddDays(-1), "web"), ("analytics", true, Now.AddDays(-1), "web"));
        var loser = ConsentBuilders.ProfileWith("p-l", ("marketing", false, Now.AddDays(-3), "app"), ("personalization", true, Now.AddDays(-2), "app"));

        merger.Merge(survivor, loser, Now, "same person");

        Assert.Equal(new ConsentState(false, Now.AddDays(-3), "app"), survivor.Consent["marketing"]);
        Assert.True(survivor.Consent["analytics"].Granted);
        Assert.True(survivor.Consent["personalization"].Granted);
        Assert.Equal(
            [
                new ConsentHistoryEntry("marketing", false, Now.AddDays(-3), "app"),
                new ConsentHistoryEntry("personalization", true, Now.AddDays(-2), "app"),
                new ConsentHistoryEntry("marketing", true, Now.AddDays(-1), "web"),
                new ConsentHistoryEntry("analytics", true, Now.AddDays(-1), "web"),
                new ConsentHistoryEntry("marketing", false, Now, ConsentSources.Merge),
            ],
            survivor.ConsentHistory);
    }

    [Fact]
    public void Merge_LoserGrantedWhatSurvivorDenied_SurvivorKeepsItsDenialWithoutAMergeEntry()
    {
        using var cdp = new CoreHarness();
        var merger = cdp.Services.GetRequiredService<ProfileMerger>();
        var survivor = ConsentBuilders.ProfileWith("p-s", ("sale_of_data", false, Now.AddDays(-5), "web"));
        var loser = ConsentBuilders.ProfileWith("p-l", ("sale_of_data", true, Now.AddDays(-1), "app"));

        merger.Merge(survivor, loser, Now, "same person");

        Assert.Equal(new ConsentState(false, Now.AddDays(-5), "web"), survivor.Consent["sale_of_data"]);
        Assert.Equal(2, survivor.ConsentHistory.Count);
        Assert.DoesNotContain(survivor.ConsentHistory, h => h.Source == ConsentSources.Merge);
    }

    [Fact]
    public void Merge_SameLoserTwice_HistoryUnchangedTheSecondTime()
    {
        using var cdp = new CoreHarness();
        var merger = cdp.Services.GetRequiredService<ProfileMerger>();
        var survivor = ConsentBuilders.ProfileWith("p-s", ("marketing", true, Now.AddDays(-1), "web"));
        var loser = ConsentBuilders.ProfileWith("p-l", ("marketing", false, Now.AddDays(-3), "app"));
        merger.Merge(survivor, loser, Now, "same person");
        var once = survivor.ConsentHistory.ToList();

        Assert.False(merger.Merge(survivor, loser, Now.AddHours(1), "again"));

        Assert.Equal(once, survivor.ConsentHistory);
    }

    [Fact]
    public async Task MergeWorkflow_TwoDevicesWithDifferentAnswers_LiveProfileHasTheMostRestrictive()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Page().AnonymousId("laptop").MessageId("m1").Timestamp(Now.AddHours(-3))
            .Preferences(("marketing", false), ("analytics", true)));
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u1").MessageId("m2").Timestamp(Now.AddHours(-2))
            .Preferences(("marketing", true), ("analytics", true)));
        await cdp.ProcessAsync(EventBuilder.Track("Logged in").UserId("u1").AnonymousId("laptop").MessageId("m3").Timestamp(Now.AddHours(-1)));

        await cdp.RunMergesAsync();

        var live = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(live.Id, (await cdp.ProfileAsync(IdentifierTypes.AnonymousId, "laptop")).Id);
        Assert.False(live.Consent["marketing"].Granted);
        Assert.True(live.Consent["analytics"].Granted);
        Assert.Equal(["m1", "m2"], live.ConsentHistory.Where(h => h.Purpose == "marketing" && h.MessageId is not null).Select(h => h.MessageId).Order());
        Assert.False(live.ConsentHistory[^1].Granted);
    }
}
