using System.Diagnostics;
using System.Globalization;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// Issue 10's acceptance on the local host, through HTTP as a marketer and an application use it: a person who qualifies
/// is a member within a second and a signed <c>Audience Entered</c> reaches the webhook once, however often they qualify
/// again; a person time takes out of the window leaves at the next refresh with one <c>Audience Exited</c>.
/// </summary>
[Collection(AudienceTests.Name)]
public sealed class AudienceMembershipTests
{
    private const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";

    [Fact]
    public async Task Identify_QualifyingEvent_MemberWithinOneSecondAndEnteredSentOnceWhateverFollows()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url));
        await host.PutSegmentAsync("pro", Pro, "crm");

        // Warm the processing path, so the timed event measures membership, not the first batch's start-up.
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("warm-up", "warm-up-1", plan: "free"));
        await host.Client.WaitForProfileAsync("userId", "warm-up");

        var qualifying = AudienceCalls.Identify("ada", "ada-identify-1", plan: "pro", marketing: true);
        var clock = Stopwatch.StartNew();
        await host.IngestAsync("/v1/identify", qualifying);
        var members = await Poll.UntilAsync(() => host.MembersAsync("pro"), m => m.Count == 1, "ada in the members listing", TimeSpan.FromSeconds(1));
        var elapsed = clock.Elapsed;

        Assert.True(elapsed <= TimeSpan.FromSeconds(1), $"membership took {elapsed.TotalMilliseconds:0} ms");
        var profileId = members[0];
        Assert.Equal(profileId, (await host.Client.FindProfileAsync("userId", "ada"))!.Id());
        var entered = await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "ada"), "ada's Audience Entered");
        Assert.Equal(("track", "pro", $"pro:{profileId}:crm:1"), (entered.Type(), entered.AudienceKey(), entered.MessageId()));
        var request = Assert.Single(receiver.Requests);
        Assert.True(request.Verified, "the signature holds under the destination's secret");
        Assert.Equal(entered.MessageId(), request.WebhookId);
        var since = (await host.StandingAsync(profileId, "pro"))!["since"]!.GetValue<DateTimeOffset>();

        // The same event again, another qualifying event, and a new identifier (email) for the same person.
        await host.IngestAsync("/v1/identify", qualifying);
        await host.IngestAsync("/v1/track", AudienceCalls.Track("ada", "ada-track-1", "Plan Upgraded", marketing: true));
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("ada", "ada-identify-2", plan: "pro", email: "ada@example.com"));
        var ada = await host.Client.WaitForProfileAsync("email", "ada@example.com", p => p.EventCount() == 3);
        Assert.Equal(profileId, ada.Id());

        // Anything those caused is queued by now (in the commit that applied them); a person who qualifies later is
        // queued after it, so once theirs has arrived and nothing is left queued, every earlier delivery has arrived too.
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("grace", "grace-identify-1", plan: "pro", marketing: true));
        await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "grace"), "grace's Audience Entered");
        await host.WaitForDrainedAsync("crm");

        Assert.Single(receiver.Requests.SelectMany(r => r.Events), e => e.UserId() == "ada");
        Assert.Contains(profileId, await host.MembersAsync("pro"));
        var standing = (await host.StandingAsync(profileId, "pro"))!;
        Assert.Equal((true, since, "crm"), (standing["member"]!.GetValue<bool>(), standing["since"]!.GetValue<DateTimeOffset>(),
            Assert.Single(standing["sentTo"]!.AsArray())!.GetValue<string>()));
        var lineage = Assert.Single(await host.LineageAsync(profileId));
        Assert.Equal(("crm", "pro", $"pro:{profileId}:crm:1"), (lineage!["destination"]!.GetValue<string>(),
            lineage["segment"]!.GetValue<string>(), lineage["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Track_LinksTwoMembersIntoOnePerson_OneMemberListedAndNothingMoreSent()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url));
        await host.PutSegmentAsync("pro", Pro, "crm");

        // The same person twice: browsing anonymously on one device, signed in on another; each qualifies and is sent.
        await host.IngestAsync("/v1/identify", AudienceCalls.AnonymousIdentify("bo-device-1", "bo-anon-identify-1", plan: "pro", marketing: true));
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("bo", "bo-identify-1", plan: "pro", marketing: true));
        await Poll.UntilAsync(() => Task.FromResult(receiver.DeliveredEvents.Count), n => n == 2, "both profiles' Audience Entered");
        Assert.Equal(2, (await host.MembersAsync("pro")).Count);

        // Signing in on the first device links them: one person.
        var link = AudienceCalls.Track("bo", "bo-link-1", "Signed In");
        link["anonymousId"] = "bo-device-1";
        await host.IngestAsync("/v1/track", link);
        var person = await Poll.UntilAsync(
            async () => (await host.Client.FindProfileAsync("userId", "bo"))?.Id() is { } known
                && (await host.Client.FindProfileAsync("anonymousId", "bo-device-1"))?.Id() == known ? known : null,
            id => id is not null, "the two profiles to be merged");

        var members = await Poll.UntilAsync(() => host.MembersAsync("pro"), m => m.Count == 1, "one member for the one person", TimeSpan.FromSeconds(5));
        Assert.Equal([person!], members);
        Assert.Equal(1, (await host.Client.GetAsync("/api/segments/pro")).Json!["memberCount"]!.GetValue<long>());
        await host.WaitForDrainedAsync("crm");
        Assert.Equal(["Audience Entered", "Audience Entered"], receiver.Requests.SelectMany(r => r.Events).Select(e => e.Event()));
        var standing = (await host.StandingAsync(person!, "pro"))!;
        Assert.True(standing["member"]!.GetValue<bool>());
        Assert.Equal(["crm"], standing["sentTo"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_TimeCarriedThePersonOutOfTheWindow_MemberGoneAndOneAudienceExitedArrives()
    {
        var clock = new AdjustableClock();
        await using var receiver = await AudienceReceiver.StartAsync();
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url), clock);
        await host.PutSegmentAsync("active", """{"trait":"computed.lastSeen","op":"gt","value":"-P1D"}""", "crm");

        // Last seen a day ago less 90 seconds: inside the one-day window, for 90 seconds more.
        var seen = clock.GetUtcNow().AddDays(-1).AddSeconds(90).ToString("O", CultureInfo.InvariantCulture);
        await host.IngestAsync("/v1/track", AudienceCalls.Track("lin", "lin-track-1", "App Opened", marketing: true, timestamp: seen));
        var profileId = (await Poll.UntilAsync(() => host.MembersAsync("active"), m => m.Count == 1, "lin in the members listing")).Single();
        await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "lin"), "lin's Audience Entered");

        clock.Advance(TimeSpan.FromMinutes(2));

        // Nothing about lin changed, so only a refresh notices that time took them out.
        Assert.Equal([profileId], await host.MembersAsync("active"));
        await host.RefreshAsync();

        await Poll.UntilAsync(() => host.MembersAsync("active"), m => m.Count == 0, "lin to leave the members listing");
        var exited = await receiver.WaitForEventAsync(e => e.Is("Audience Exited", "lin"), "lin's Audience Exited");
        Assert.Equal(("active", $"active:{profileId}:crm:2"), (exited.AudienceKey(), exited.MessageId()));
        await host.WaitForDrainedAsync("crm");
        Assert.All(receiver.Requests, r => Assert.True(r.Verified, r.ToString()));
        Assert.Equal(["Audience Entered", "Audience Exited"], receiver.Requests.SelectMany(r => r.Events).Select(e => e.Event()));
        var standing = (await host.StandingAsync(profileId, "active"))!;
        Assert.False(standing["member"]!.GetValue<bool>());
        Assert.Empty(standing["sentTo"]!.AsArray());
    }
}
