using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Consent;

/// <summary>Consent answers carried by events (<c>context.consent.categoryPreferences</c>) land on the profile.</summary>
public sealed class ConsentFromEventsTests
{
    private static readonly DateTimeOffset Now = TestOptions.Now;

    [Fact]
    public async Task Process_CategoryPreferences_SetsValueSourceAndTimePerPurpose()
    {
        using var cdp = new CoreHarness();

        await cdp.ProcessAsync(EventBuilder.Page("Home").UserId("u1").MessageId("m1").Timestamp(Now.AddMinutes(-5))
            .Preferences(("marketing", false), ("analytics", true)));

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(new ConsentState(false, Now.AddMinutes(-5), CoreHarness.SourceId), profile.Consent["marketing"]);
        Assert.Equal(new ConsentState(true, Now.AddMinutes(-5), CoreHarness.SourceId), profile.Consent["analytics"]);
        Assert.Equal(2, profile.Consent.Count);
        Assert.Equal(
            [new ConsentHistoryEntry("marketing", false, Now.AddMinutes(-5), CoreHarness.SourceId, "m1"),
             new ConsentHistoryEntry("analytics", true, Now.AddMinutes(-5), CoreHarness.SourceId, "m1")],
            profile.ConsentHistory);
    }

    [Fact]
    public async Task Process_OlderAnswerProcessedLate_KeepsTheNewerAnswer()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Track("Opted out").UserId("u1").MessageId("new").Timestamp(Now.AddMinutes(-1))
            .Preferences(("marketing", false)));

        await cdp.ProcessAsync(EventBuilder.Track("Signed up").UserId("u1").MessageId("old").Timestamp(Now.AddHours(-2))
            .Preferences(("marketing", true)));

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.False(profile.Consent["marketing"].Granted);
        Assert.Equal(Now.AddMinutes(-1), profile.Consent["marketing"].UpdatedAt);
        Assert.Equal("new", Assert.Single(profile.ConsentHistory).MessageId);
    }

    [Fact]
    public async Task Process_NewerAnswerChangingTheValue_AppliesAndExtendsHistory()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Track("Signed up").UserId("u1").MessageId("m1").Timestamp(Now.AddHours(-2))
            .Preferences(("marketing", true)));

        await cdp.ProcessAsync(EventBuilder.Track("Opted out").UserId("u1").MessageId("m2").Timestamp(Now.AddMinutes(-1))
            .Preferences(("marketing", false)));

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.False(profile.Consent["marketing"].Granted);
        Assert.Equal([true, false], profile.ConsentHistory.Select(h => h.Granted));
    }

    [Fact]
    public async Task Process_SamePreferencesOnEveryEvent_HistoryKeepsOnlyTheChange()
    {
        using var cdp = new CoreHarness();

        await cdp.ProcessAsync(
            EventBuilder.Page("A").UserId("u1").MessageId("m1").Timestamp(Now.AddMinutes(-3)).Preferences(("analytics", true)),
            EventBuilder.Page("B").UserId("u1").MessageId("m2").Timestamp(Now.AddMinutes(-2)).Preferences(("analytics", true)),
            EventBuilder.Page("C").UserId("u1").MessageId("m3").Timestamp(Now.AddMinutes(-1)).Preferences(("analytics", true)));

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal("m1", Assert.Single(profile.ConsentHistory).MessageId);
        Assert.Equal(Now.AddMinutes(-1), profile.Consent["analytics"].UpdatedAt);
    }

    [Fact]
    public async Task Process_UnknownPurposeAndNonBooleanAnswers_AreNotStored()
    {
        using var cdp = new CoreHarness();

        await cdp.ProcessAsync(EventBuilder.Page().UserId("u1").Preferences(
            ("astrology", true), ("marketing", "true"), ("analytics", 1), ("personalization", null), ("sale_of_data", false)));

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(["sale_of_data"], profile.Consent.Keys);
        Assert.Equal("sale_of_data", Assert.Single(profile.ConsentHistory).Purpose);
    }

    [Fact]
    public async Task Process_PreferencesNotAnObject_EventStillProcessedWithoutConsent()
    {
        using var cdp = new CoreHarness();

        await cdp.ProcessAsync(EventBuilder.Page().UserId("u1").Context("consent", new System.Text.Json.Nodes.JsonObject { ["categoryPreferences"] = "all" }));

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(1, profile.Computed.EventCount);
        Assert.Empty(profile.Consent);
    }

    [Fact]
    public async Task Process_BatchRedeliveredAfterCrash_HistoryAppendedOnce()
    {
        var dedup = default(CrashingDedupStore);
        using var cdp = new CoreHarness().Decorate<IDedupStore>(inner => dedup = new CrashingDedupStore(inner));
        var batch = cdp.Queue(
            EventBuilder.Track("Signed up").UserId("u1").MessageId("m1").Timestamp(Now.AddMinutes(-2)).Preferences(("marketing", true)),
            EventBuilder.Track("Opted out").UserId("u1").MessageId("m2").Timestamp(Now.AddMinutes(-1)).Preferences(("marketing", false)));
        _ = cdp.Processor;
        dedup!.CrashOnNextMark();
        await Assert.ThrowsAsync<SimulatedCrashException>(() => cdp.ProcessAsync(batch));

        await cdp.ProcessAsync(batch);

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(["m1", "m2"], profile.ConsentHistory.Select(h => h.MessageId));
        Assert.False(profile.Consent["marketing"].Granted);
    }

    [Fact]
    public async Task Process_AliasAndConfiguredPurpose_StoredUnderTheConfiguredName()
    {
        using var cdp = new CoreHarness()
            .With("Cdp:Consent:Purposes:0", "research")
            .With("Cdp:Consent:Aliases:Advertising", "marketing");

        await cdp.ProcessAsync(EventBuilder.Page().UserId("u1").Preferences(("Advertising", false), ("RESEARCH", true), ("Analytics", true)));

        var profile = await cdp.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.False(profile.Consent["marketing"].Granted);
        Assert.True(profile.Consent["research"].Granted);
        Assert.True(profile.Consent["analytics"].Granted);
        Assert.Equal(3, profile.Consent.Count);
    }
}
