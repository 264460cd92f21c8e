using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;

namespace Cdp.Core.Tests.Identity;

public sealed class IdentityResolutionScenarioTests
{
    [Fact]
    public async Task Journey_AnonymousThenLoginThenCrmThenSecondDevice_EndsInOneProfileWithEverything()
    {
        using var cdp = new CoreHarness().With("Cdp:Profiles:SourcePriority:0", "crm");
        var t = TestOptions.Now;

        // 1. Anonymous browsing on the laptop.
        await cdp.ProcessAsync(
            EventBuilder.Page("Home").AnonymousId("anon-laptop").Timestamp(t),
            EventBuilder.Page("Pricing").AnonymousId("anon-laptop").Timestamp(t.AddMinutes(1)));

        // 2. Login: the userId joins the anonymous profile.
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u-42").AnonymousId("anon-laptop")
            .Trait("name", "Jane from web").Trait("plan", "free").Timestamp(t.AddMinutes(2)));

        // 3. CRM import: email, phone and the CRM's name for her, a trusted source.
        await cdp.ProcessFromAsync("crm", CrmRow(t.AddMinutes(3)));

        // 4. A second device browses anonymously, then she logs in there too.
        await cdp.ProcessAsync(EventBuilder.Screen("Catalog").AnonymousId("anon-phone").DeviceId("phone-1").Timestamp(t.AddMinutes(4)));
        await cdp.ProcessAsync(EventBuilder.Track("Order Completed").UserId("u-42").AnonymousId("anon-phone").DeviceId("phone-1")
            .Property("revenue", 30).Timestamp(t.AddMinutes(5)));
        var merges = await cdp.RunMergesAsync();

        // 5. Later the web sets a nickname: newer, but from a less trusted source than the CRM.
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u-42").Trait("name", "Janie").Timestamp(t.AddMinutes(6)));

        Assert.All(merges, m => Assert.Equal(WorkflowStatus.Completed, m.Status));
        var live = Assert.Single(await cdp.LiveProfilesAsync());
        foreach (var (type, value) in new[] { ("userId", "u-42"), ("anonymousId", "anon-laptop"), ("anonymousId", "anon-phone"),
            ("deviceId", "phone-1"), ("email", "jane@example.com"), ("phone", "+14155550123") })
        {
            Assert.Equal(live.Id, (await cdp.ProfileAsync(type, value)).Id);
        }

        // Every event, on one timeline and in the counters.
        Assert.Equal(7, cdp.Timeline.EventsOf(live.Id).Count);
        Assert.Equal(7, live.Computed.EventCount);
        Assert.Equal(30m, live.Computed.Sums["Order Completed.revenue"]);
        Assert.Equal(t, live.Computed.FirstSeen);
        Assert.Equal(t.AddMinutes(6), live.Computed.LastSeen);

        // Survivorship: the CRM is the trusted source for name; plan was only ever set by the web.
        Assert.Equal("Jane Doe", live.Traits["name"].Value.GetString());
        Assert.Equal("crm", live.Traits["name"].Source);
        Assert.Equal("free", live.Traits["plan"].Value.GetString());

        // A readable history: created, identifiers added, the phone's profile merged in.
        var merged = Assert.Single(live.History, h => h.Kind == HistoryKinds.MergedFrom);
        Assert.NotNull(merged.OtherProfileId);
        Assert.Contains(live.History, h => h.Kind == HistoryKinds.Created);
        Assert.Contains(live.History, h => h.Kind == HistoryKinds.IdentifierAdded && h.Description == "email added");
        var tombstone = (await cdp.Profiles.GetAsync(merged.OtherProfileId!, CancellationToken.None))!.Value.Value;
        Assert.Equal(live.Id, tombstone.MergedInto);
        Assert.Empty(tombstone.Identifiers);
        Assert.Empty(tombstone.Traits);
        Assert.Empty(cdp.Timeline.EventsOf(tombstone.Id));
    }

    [Fact]
    public async Task Merge_RunTwice_ChangesNothingTheSecondTime()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Page().AnonymousId("a-1"));
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u-1").Trait("email", "one@example.com"));
        await cdp.ProcessAsync(EventBuilder.Track("Linked").UserId("u-1").AnonymousId("a-1"));
        var request = Assert.Single(cdp.Merges.Scheduled);
        await cdp.RunMergesAsync();
        var once = (await cdp.ProfileAsync("userId", "u-1")) with { };
        var countAfterOnce = once.Computed.EventCount;

        // The same merge again, under a new instance id: every step finds its work done.
        await cdp.Merges.ScheduleAsync(request with { Reason = "again" }, CancellationToken.None);
        var again = request with { ProfileIds = [.. request.ProfileIds, "p-unknown"] };
        await cdp.Merges.ScheduleAsync(again, CancellationToken.None);
        await cdp.RunMergesAsync();

        var twice = await cdp.ProfileAsync("userId", "u-1");
        Assert.Equal(countAfterOnce, twice.Computed.EventCount);
        Assert.Single(twice.History, h => h.Kind == HistoryKinds.MergedFrom);
        Assert.Single(await cdp.LiveProfilesAsync());
    }

    [Fact]
    public async Task Merge_ProfilesGainedConflictingUserIdsMeanwhile_IsRefusedAndLeavesBoth()
    {
        using var cdp = new CoreHarness();
        await cdp.ProcessAsync(EventBuilder.Page().AnonymousId("a-1"));
        await cdp.ProcessAsync(EventBuilder.Identify().UserId("u-1").Trait("email", "one@example.com"));
        await cdp.ProcessAsync(EventBuilder.Track("Linked").UserId("u-1").AnonymousId("a-1"));

        // Before the merge runs, the anonymous profile is claimed by another user.
        var anonymous = await cdp.ProfileAsync("anonymousId", "a-1");
        var read = (await cdp.Profiles.GetAsync(anonymous.Id, CancellationToken.None))!.Value;
        read.Value.Identifiers.Add(new ProfileIdentifier("userId", "u-2", cdp.Hasher.IdentityId(new("userId", "u-2")), TestOptions.Now));
        await cdp.Profiles.ReplaceAsync(read.Value, read.ETag, CancellationToken.None);

        var outcome = Assert.Single(await cdp.RunMergesAsync()).ReadOutput<MergeOutcome>()!;

        Assert.Null(outcome.SurvivorId);
        Assert.Contains("userId", outcome.Refusal, StringComparison.Ordinal);
        Assert.Equal(2, (await cdp.LiveProfilesAsync()).Count);
    }

    private static EventBuilder CrmRow(DateTimeOffset at) =>
        EventBuilder.Identify().UserId("u-42").Trait("email", " Jane@Example.com ").Trait("phone", "(415) 555-0123")
            .Trait("name", "Jane Doe").Timestamp(at);
}
