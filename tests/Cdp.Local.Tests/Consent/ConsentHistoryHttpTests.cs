using System.Net;
using System.Text.Json.Nodes;
using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Tests.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Consent;

/// <summary>
/// A person who answers the consent banner over and over, on the real host and SQLite: the profile document keeps the
/// newest 50 changes, <c>GET /api/profiles/{id}/consent</c> still shows every one, and erasure leaves none behind.
/// </summary>
public sealed class ConsentHistoryHttpTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Events_120ConsentChanges_GetShowsAllInOrderWhileTheDocumentKeeps50()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path);
        var client = factory.CreateCdpClient();
        await IngestAsync(client, Changes("consent-many-1", 120));
        var id = (await client.WaitForProfileAsync("userId", "consent-many-1")).Id();

        var consent = (await client.GetAsync($"/api/profiles/{id}/consent")).Json!;

        var history = consent["history"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"consent-many-1-{i}"), history.Select(h => h!["messageId"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, 120).Select(i => Start.AddMinutes(i)), history.Select(h => h!["at"]!.GetValue<DateTimeOffset>()));
        Assert.False(consent["purposes"]!["marketing"]!["granted"]!.GetValue<bool>());
        var stored = (await factory.Services.GetRequiredService<IProfileStore>().GetAsync(id, CancellationToken.None))!.Value.Value;
        Assert.Equal(ConsentHistoryLimits.InDocument, stored.ConsentHistory.Count);
        Assert.Equal(70, (await factory.Services.GetRequiredService<IConsentArchive>().ListAsync(id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Erasure_SubjectWith80ConsentChanges_CertificateCountsTheArchivedOnesAndNoneRemain()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var client = factory.CreateCdpClient();
        var privacy = new PrivacyClient(factory.CreateClient());
        await IngestAsync(client, Changes("consent-erase-1", 80));
        await IngestAsync(client, Changes("consent-keep-1", 60));
        var erasedId = (await client.WaitForProfileAsync("userId", "consent-erase-1")).Id();
        var keptId = (await client.WaitForProfileAsync("userId", "consent-keep-1")).Id();

        var request = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created,
            (await privacy.SubmitAsync(OpenDsrBodies.Body(request, "erasure", new Dictionary<string, string> { ["userId"] = "consent-erase-1" }))).Status);
        var completed = await privacy.WaitForStatusAsync(request, "completed");

        var certificate = (await privacy.GetAsync(completed["certificate_url"]!.GetValue<string>())).Json!;
        Assert.Equal(30, certificate["counts"]!["consentHistory"]!.GetValue<int>());
        Assert.Equal(0, certificate["verification"]!["traces"]!["consentHistory"]!.GetValue<int>());
        var archive = factory.Services.GetRequiredService<IConsentArchive>();
        Assert.Empty(await archive.ListAsync(erasedId, CancellationToken.None));
        Assert.Equal(10, (await archive.ListAsync(keptId, CancellationToken.None)).Count);
        Assert.Equal(60, (await client.GetAsync($"/api/profiles/{keptId}/consent")).Json!["history"]!.AsArray().Count);
    }

    /// <summary><paramref name="count"/> page views a minute apart, each flipping marketing (granted first).</summary>
    private static JsonObject[] Changes(string userId, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var call = Events.Page(userId, $"{userId}-{i}");
            call["timestamp"] = Start.AddMinutes(i).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            call["context"] = new JsonObject
            {
                ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["marketing"] = i % 2 == 0 } },
            };
            return call;
        }).ToArray();

    private static async Task IngestAsync(CdpClient client, JsonObject[] calls)
    {
        var response = await client.PostAsync("/v1/batch", Events.Batch(calls));
        Assert.Equal(calls.Length, response.Accepted);
        await client.WaitForEmptyOutboxAsync();
    }
}
