using System.Net;
using System.Text.Json.Nodes;
using Cdp.Core.Identity;
using Cdp.Core.Workflows;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Identity;

/// <summary>Identity resolution as a marketer sees it through the HTTP API: devices and logins end in one profile, within the limits.</summary>
public sealed class IdentityResolutionApiTests(HostFixture host) : IClassFixture<HostFixture>
{
    private readonly CdpClient _client = host.Client;

    [Fact]
    public async Task Track_CarryingUserIdAndAnonymousId_MergesTheTwoProfilesIntoOneWithEveryEvent()
    {
        const string Anonymous = "merge-anon-1";
        const string User = "merge-user-1";
        await PostAsync(Calls.Page(Anonymous, "merge-1-page-1"), Calls.Page(Anonymous, "merge-1-page-2", "Pricing"));
        var browsing = await _client.WaitForProfileAsync("anonymousId", Anonymous, p => p.EventCount() == 2);
        await PostAsync(Calls.Identify(User, "merge-1-identify", email: "merge-one@example.com"));
        var known = await _client.WaitForProfileAsync("userId", User);
        Assert.NotEqual(browsing.Id(), known.Id());

        await PostAsync(Calls.Track(User, Anonymous, "merge-1-link"));
        var merged = await WaitForOnePersonAsync([("anonymousId", Anonymous), ("userId", User)], events: 4);

        // The profile holding the userId survives; it holds every event and every identifier.
        Assert.Equal(known.Id(), merged.Id);
        Assert.Equal(4, merged.Profile.EventCount());
        Assert.Equal(2, merged.Profile.CountOf("page"));
        Assert.Equal(1, merged.Profile.CountOf("identify"));
        Assert.Equal(1, merged.Profile.CountOf("Signed In"));
        Assert.Equal(["merge-1-identify", "merge-1-link", "merge-1-page-1", "merge-1-page-2"], merged.Timeline.Order(StringComparer.Ordinal));
        Assert.Equal(merged.Id, await ProfileIdAsync("email", "merge-one@example.com"));

        // The merged-away id still answers, with the survivor: its profile, its timeline, its history.
        var byLoserId = await _client.GetAsync($"/api/profiles/{browsing.Id()}");
        Assert.Equal(HttpStatusCode.OK, byLoserId.Status);
        Assert.Equal(merged.Id, byLoserId.Json!.Id());
        var loserTimeline = await _client.GetAsync($"/api/profiles/{browsing.Id()}/events");
        Assert.Equal(merged.Id, loserTimeline.Json!["profileId"]!.GetValue<string>());

        var history = await HistoryAsync(browsing.Id());
        Assert.Equal(merged.Id, history.ProfileId);
        var mergedFrom = Assert.Single(history.Entries, e => Kind(e) == "mergedFrom");
        Assert.Equal(browsing.Id(), mergedFrom!["otherProfileId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Track_SecondDeviceLogsInToo_ItsAnonymousProfileJoinsTheSamePerson()
    {
        const string Laptop = "device-anon-laptop";
        const string Phone = "device-anon-phone";
        const string User = "device-user-1";
        await PostAsync(Calls.Page(Laptop, "device-laptop-page"));
        var laptop = await _client.WaitForProfileAsync("anonymousId", Laptop);
        await PostAsync(Calls.Identify(User, "device-identify", email: "device-user@example.com"));
        var known = await _client.WaitForProfileAsync("userId", User);
        await PostAsync(Calls.Track(User, Laptop, "device-laptop-login"));
        await WaitForOnePersonAsync([("anonymousId", Laptop), ("userId", User)], events: 3);

        // Days later, on the phone: anonymous browsing first (a new profile), then the login.
        await PostAsync(Calls.Page(Phone, "device-phone-page-1", "Catalog"), Calls.Page(Phone, "device-phone-page-2", "Product"));
        var phone = await _client.WaitForProfileAsync("anonymousId", Phone, p => p.EventCount() == 2);
        Assert.NotEqual(known.Id(), phone.Id());
        await PostAsync(Calls.Track(User, Phone, "device-phone-login"));

        var person = await WaitForOnePersonAsync(
            [("anonymousId", Laptop), ("anonymousId", Phone), ("userId", User), ("email", "device-user@example.com")], events: 6);
        Assert.Equal(known.Id(), person.Id);
        Assert.Equal(6, person.Profile.EventCount());
        Assert.Equal(3, person.Profile.CountOf("page"));
        Assert.Equal(2, person.Profile.CountOf("Signed In"));
        Assert.Equal(
            ["device-identify", "device-laptop-login", "device-laptop-page", "device-phone-login", "device-phone-page-1", "device-phone-page-2"],
            person.Timeline.Order(StringComparer.Ordinal));

        var history = await HistoryAsync(person.Id);
        var merges = history.Entries.Where(e => Kind(e) == "mergedFrom").Select(e => e!["otherProfileId"]!.GetValue<string>());
        Assert.Equal(new[] { laptop.Id(), phone.Id() }.Order(StringComparer.Ordinal), merges.Order(StringComparer.Ordinal));
        foreach (var loser in new[] { laptop.Id(), phone.Id() })
        {
            Assert.Equal(person.Id, (await _client.GetAsync($"/api/profiles/{loser}")).Json!.Id());
        }
    }

    [Fact]
    public async Task Identify_TwoUserIdsShareOneAnonymousId_StayTwoPeopleAndTheDropIsInTheHistory()
    {
        const string Shared = "limit-shared-anon";
        await PostAsync(Calls.Page(Shared, "limit-page"));
        var browsing = await _client.WaitForProfileAsync("anonymousId", Shared);
        await PostAsync(Calls.Identify("limit-user-1", "limit-identify-1", anonymousId: Shared));
        var first = await _client.WaitForProfileAsync("userId", "limit-user-1");
        Assert.Equal(browsing.Id(), first.Id());

        // A second person logs in on the same (shared, kiosk) device: one person may have only one userId.
        await PostAsync(Calls.Identify("limit-user-2", "limit-identify-2", anonymousId: Shared));
        var second = await _client.WaitForProfileAsync("userId", "limit-user-2");

        Assert.NotEqual(first.Id(), second.Id());
        Assert.Equal(first.Id(), await ProfileIdAsync("anonymousId", Shared));
        Assert.Equal(first.Id(), await ProfileIdAsync("userId", "limit-user-1"));
        Assert.Equal(2, (await _client.GetAsync($"/api/profiles/{first.Id()}")).Json!.EventCount());
        Assert.Equal(1, second.EventCount());
        Assert.Equal(["limit-identify-2"], await TimelineAsync(second.Id()));
        Assert.Equal(["limit-identify-1", "limit-page"], (await TimelineAsync(first.Id())).Order(StringComparer.Ordinal));

        var history = await HistoryAsync(second.Id());
        var dropped = Assert.Single(history.Entries, e => Kind(e) == "identifierDropped");
        Assert.Equal("limit-identify-2", dropped!["messageId"]!.GetValue<string>());
        var identityId = dropped["identityId"]!.GetValue<string>();
        Assert.StartsWith("anonymousId:", identityId, StringComparison.Ordinal);
        Assert.DoesNotContain(Shared, identityId, StringComparison.Ordinal);
        Assert.DoesNotContain(history.Entries, e => Kind(e) == "mergedFrom");

        // No merge of the two was even started (the processor that created the second profile would have started it).
        var workflows = host.Services.GetRequiredService<IWorkflowClient>();
        Assert.Null(await workflows.GetAsync(new MergeRequest([first.Id(), second.Id()], string.Empty).InstanceId));
    }

    private async Task PostAsync(params JsonObject[] calls)
    {
        var response = await _client.PostAsync("/v1/batch", Calls.Batch(calls));
        Assert.True(response.Status == HttpStatusCode.OK && response.Accepted == calls.Length, response.ToString());
    }

    /// <summary>Polls until every identifier leads to one profile that counts and shows <paramref name="events"/> events.</summary>
    private async Task<Person> WaitForOnePersonAsync(IReadOnlyList<(string Type, string Value)> identifiers, int events)
    {
        var person = await Poll.UntilAsync(
            async () =>
            {
                var ids = new List<string?>();
                foreach (var (type, value) in identifiers)
                {
                    ids.Add(await ProfileIdAsync(type, value));
                }

                if (ids.Distinct().Count() != 1 || ids[0] is not { } id)
                {
                    return null;
                }

                var profile = (await _client.GetAsync($"/api/profiles/{id}")).Json!;
                return new Person(id, profile, await TimelineAsync(id));
            },
            p => p is not null && p.Profile.EventCount() == events && p.Timeline.Count == events,
            $"{string.Join(", ", identifiers)} to be one profile with {events} events");
        return person!;
    }

    private async Task<string?> ProfileIdAsync(string type, string value) => (await _client.FindProfileAsync(type, value))?.Id();

    private async Task<List<string>> TimelineAsync(string profileId)
    {
        var page = await _client.GetAsync($"/api/profiles/{profileId}/events?pageSize=1000");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page.Json!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
    }

    private async Task<(string ProfileId, JsonArray Entries)> HistoryAsync(string profileId)
    {
        var response = await _client.GetAsync($"/api/profiles/{profileId}/history");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return (response.Json!["profileId"]!.GetValue<string>(), response.Json["history"]!.AsArray());
    }

    private static string? Kind(JsonNode? entry) => entry?["kind"]?.GetValue<string>();

    private sealed record Person(string Id, JsonObject Profile, List<string> Timeline)
    {
        public override string ToString() => $"{Id}: {Profile.EventCount()} counted, timeline [{string.Join(", ", Timeline)}]";
    }
}
