using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Segments;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Tests.Consent;

namespace Cdp.Core.Tests.Segments;

/// <summary>
/// Membership as a user of destinations sees it (ADR 0013): one "entered" per person and destination, no re-entry on
/// re-sent events, new identifiers or merges, exits when time passes or consent is withdrawn, nothing without consent.
/// </summary>
public sealed class MembershipEvaluatorTests
{
    private const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";

    private static EventBuilder ProUser(string userId, string messageId) =>
        EventBuilder.Identify().UserId(userId).MessageId(messageId).Trait("plan", "pro")
            .Preferences((ConsentOptions.Marketing, true), (ConsentOptions.Analytics, true));

    [Fact]
    public async Task Process_QualifyingEvent_EntersOnceToEachDestinationWithDeterministicIds()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm", "stats");

        await s.Cdp.ProcessAsync(ProUser("u1", "m1"));

        var profile = await s.ProfileAsync("u1");
        Assert.Equal(
            [$"pro:{profile.Id}:crm:1", $"pro:{profile.Id}:stats:1"],
            s.Deliveries.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(s.Deliveries, d => Assert.Equal(AudienceDeliveryKinds.Entered, d.Kind));
        Assert.True(profile.Segments["pro"].Member);
        Assert.Equal(["crm", "stats"], profile.Segments["pro"].SentTo.Order(StringComparer.Ordinal));
        Assert.Contains(s.Members.All, m => m.SegmentKey == "pro" && m.ProfileId == profile.Id);
    }

    [Fact]
    public async Task Process_SameEventResentAndMoreEvents_NoSecondEntered()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm");
        await s.Cdp.ProcessAsync(ProUser("u1", "m1"));

        await s.Cdp.ProcessAsync(ProUser("u1", "m1"));
        await s.Cdp.ProcessAsync(ProUser("u1", "m2"), EventBuilder.Track("Viewed").UserId("u1").MessageId("m3"));

        Assert.Equal([AudienceDeliveryKinds.Entered], s.Kinds("pro", "crm"));
    }

    [Fact]
    public async Task Process_NewIdentifierForAMember_NoReEntry()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm");
        await s.Cdp.ProcessAsync(ProUser("u1", "m1"));

        await s.Cdp.ProcessAsync(EventBuilder.Track("Viewed").UserId("u1").AnonymousId("a-new").ContextTrait("email", "u1@example.com").MessageId("m2"));

        Assert.Equal([AudienceDeliveryKinds.Entered], s.Kinds("pro", "crm"));
        Assert.Equal(1, (await s.ProfileAsync("u1")).Segments["pro"].Seq);
    }

    [Fact]
    public async Task Merge_TwoRecordsAlreadyIn_SurvivorHoldsOneStandingAndNothingIsSentAgain()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm");
        await s.Cdp.ProcessAsync(EventBuilder.Identify().AnonymousId("a1").MessageId("m1").Trait("plan", "pro").Preferences((ConsentOptions.Marketing, true)));
        await s.Cdp.ProcessAsync(ProUser("u1", "m2"));
        var before = s.Deliveries.Count;

        await s.Cdp.ProcessAsync(EventBuilder.Track("Logged In").UserId("u1").AnonymousId("a1").MessageId("m3"));
        await s.Cdp.RunMergesAsync();
        await s.Cdp.ProcessAsync(EventBuilder.Track("Viewed").UserId("u1").MessageId("m4"));
        await s.RefreshAsync();

        var survivor = await s.ProfileAsync("u1");
        Assert.Single(await s.Cdp.LiveProfilesAsync());
        Assert.Equal(before, s.Deliveries.Count);
        Assert.Equal(["crm"], survivor.Segments["pro"].SentTo);
        Assert.Equal([survivor.Id], s.Members.All.Select(m => m.ProfileId));
    }

    [Fact]
    public async Task Merge_TwoRecordsAlreadyIn_IndexListsOnlyTheSurvivorBeforeAnyRefresh()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm");
        await s.Cdp.ProcessAsync(EventBuilder.Identify().AnonymousId("a1").MessageId("m1").Trait("plan", "pro").Preferences((ConsentOptions.Marketing, true)));
        await s.Cdp.ProcessAsync(ProUser("u1", "m2"));

        await s.Cdp.ProcessAsync(EventBuilder.Track("Logged In").UserId("u1").AnonymousId("a1").MessageId("m3"));
        await s.Cdp.RunMergesAsync();

        var survivor = await s.ProfileAsync("u1");
        Assert.Equal([survivor.Id], s.Members.All.Select(m => m.ProfileId));
    }

    [Fact]
    public async Task Refresh_WindowPassed_ExitsOnceAndLeavesTheIndex()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("recent", """{"trait":"computed.lastSeen","op":"gte","value":"-P1D"}""", "crm");
        await s.Cdp.ProcessAsync(ProUser("u1", "m1").Timestamp(s.Cdp.Time.GetUtcNow()));

        s.Cdp.Time.Advance(TimeSpan.FromDays(2));
        var first = await s.RefreshAsync();
        var second = await s.RefreshAsync();

        var profile = await s.ProfileAsync("u1");
        Assert.Equal([AudienceDeliveryKinds.Entered, AudienceDeliveryKinds.Exited], s.Kinds("recent", "crm"));
        Assert.Equal($"recent:{profile.Id}:crm:2", s.Deliveries[^1].Id);
        Assert.Equal((1L, 1L, 1L), (first.Evaluated, first.Exited, first.Written));
        Assert.Equal((1L, 0L, 0L), (second.Evaluated, second.Exited, second.Written));
        Assert.False(profile.Segments["recent"].Member);
        Assert.Empty(s.Members.All);
    }

    [Fact]
    public async Task Refresh_IndexRowsMissingOrLeftBehind_RepairedWithoutWritingTheProfile()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm");
        await s.Cdp.ProcessAsync(ProUser("u1", "m1"));
        var member = await s.ProfileAsync("u1");

        // As a crash between a profile write and its index update would leave them.
        await s.Members.RemoveAsync("pro", member.Id, default);
        await s.Members.UpsertAsync(new SegmentMember("vip", member.Id, member.Segments["pro"].Since, 1), default);
        var counts = await s.RefreshAsync();

        Assert.Equal((1L, 0L, 0L), (counts.Evaluated, counts.Entered, counts.Written));
        Assert.Equal([("pro", member.Id)], s.Members.All.Select(m => (m.SegmentKey, m.ProfileId)));
        Assert.Equal(member.Version, (await s.ProfileAsync("u1")).Version);
    }

    [Fact]
    public async Task ConsentApi_MarketingWithdrawn_ExitsFromTheDestinationNeedingItOnly()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm", "stats");
        await s.Cdp.ProcessAsync(ProUser("u1", "m1"));
        var profile = await s.ProfileAsync("u1");

        await s.ConsentAsync(profile.Id, ConsentOptions.Marketing, granted: false);

        Assert.Equal([AudienceDeliveryKinds.Entered, AudienceDeliveryKinds.Exited], s.Kinds("pro", "crm"));
        Assert.Equal([AudienceDeliveryKinds.Entered], s.Kinds("pro", "stats"));
        var after = await s.ProfileAsync("u1");
        Assert.True(after.Segments["pro"].Member);
        Assert.Equal(["stats"], after.Segments["pro"].SentTo);
    }

    [Fact]
    public async Task Process_MemberWithoutThePurpose_NeverSentAndCountedByRefresh()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm");

        await s.Cdp.ProcessAsync(EventBuilder.Identify().UserId("u1").MessageId("m1").Trait("plan", "pro"));
        var counts = await s.RefreshAsync();

        Assert.Empty(s.Deliveries);
        Assert.True((await s.ProfileAsync("u1")).Segments["pro"].Member);
        Assert.Equal(1, counts.FilteredByConsent);
    }

    [Fact]
    public async Task Refresh_SegmentDeleted_ExitsWhereTheMemberWasSentAndARecreatedSegmentUsesNewIds()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm");
        await s.Cdp.ProcessAsync(ProUser("u1", "m1"));

        await s.DeleteAsync("pro");
        await s.RefreshAsync();
        await s.RefreshAsync();

        Assert.Equal([AudienceDeliveryKinds.Entered, AudienceDeliveryKinds.Exited], s.Kinds("pro", "crm"));
        Assert.False((await s.ProfileAsync("u1")).Segments["pro"].Member);
        Assert.Empty(s.Members.All);

        await s.SaveAsync("pro", Pro, "crm");
        await s.RefreshAsync();

        Assert.Equal(3, s.Deliveries.Select(d => d.Id).Distinct().Count());
        Assert.Equal(AudienceDeliveryKinds.Entered, s.Deliveries[^1].Kind);
    }

    [Fact]
    public async Task Refresh_DefinitionSavedAfterTheEvents_EntersExistingProfiles()
    {
        using var s = new SegmentHarness();
        await s.Cdp.ProcessAsync(ProUser("u1", "m1"), ProUser("u2", "m2"));

        await s.SaveAsync("pro", Pro, "crm");
        var counts = await s.RefreshAsync();

        Assert.Equal((2L, 2L, 2L), (counts.Evaluated, counts.Entered, counts.Written));
        Assert.Equal(2, s.Kinds("pro", "crm").Count);
        Assert.Equal(2, s.Members.All.Count);
    }

    [Fact]
    public async Task Erasure_Member_ProfileIdLeavesTheMembersIndex()
    {
        using var s = new SegmentHarness();
        await s.SaveAsync("pro", Pro, "crm");
        await s.Cdp.ProcessAsync(ProUser("u1", "m1").Trait("email", "erase.me@example.com"), ProUser("u2", "m2"));
        var erased = await s.ProfileAsync("u1");
        var privacy = new Privacy.PrivacyHarness(s.Cdp);

        var request = await privacy.SubmitAndRunAsync(Privacy.PrivacyRequestBuilder.Erasure(("email", "erase.me@example.com")));

        Assert.Equal(Core.Privacy.PrivacyRequestStatuses.Completed, request.Status);
        Assert.DoesNotContain(erased.Id, s.Cdp.Profiles.Ids);

        Assert.DoesNotContain(s.Members.All, m => m.ProfileId == erased.Id);
        Assert.Single(s.Members.All);
    }
}
