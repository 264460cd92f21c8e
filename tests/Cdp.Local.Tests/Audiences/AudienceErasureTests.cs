using System.Net;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Tests.Privacy;
using Microsoft.AspNetCore.Http;

namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// An erasure follows the person's data to the destinations it was sent to: the webhook gets a signed deletion notice
/// naming them as it knew them, and the certificate lists the destination.
/// </summary>
[Collection(AudienceTests.Name)]
public sealed class AudienceErasureTests
{
    [Fact]
    public async Task Erasure_OfASentMember_CompletesNotifiesTheWebhookAndListsItOnTheCertificate()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url));
        var privacy = new PrivacyClient(host.Client.Http, LocalHostFactory.AdminKey);
        await host.PutSegmentAsync("pro", """{"trait":"plan","op":"eq","value":"pro"}""", "crm");
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("zoe", "zoe-identify-1", plan: "pro", marketing: true, email: "zoe@example.com"));
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("yan", "yan-identify-1", plan: "pro", marketing: true));
        var entered = await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "zoe"), "zoe's Audience Entered");
        await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "yan"), "yan's Audience Entered");
        Assert.Equal("zoe@example.com", entered["context"]!["traits"]!["email"]!.GetValue<string>());
        var zoe = (await host.Client.FindProfileAsync("userId", "zoe"))!.Id();

        var requestId = Guid.NewGuid().ToString();
        var submitted = await privacy.SubmitAsync(OpenDsrBodies.Body(requestId, "erasure", new Dictionary<string, string> { ["email"] = "zoe@example.com" }));
        Assert.True(submitted.Status == HttpStatusCode.Created, submitted.ToString());
        var completed = await privacy.WaitForStatusAsync(requestId, "completed");

        var notice = Assert.Single(receiver.Requests, r => r.WebhookId == $"erasure:{requestId}:crm");
        Assert.True(notice.Verified, notice.ToString());
        Assert.Equal(200, notice.Status);
        var deletion = Assert.Single(notice.Events);
        Assert.Equal(("delete", "zoe", $"erasure:{requestId}:crm:{zoe}"), (deletion.Type(), deletion.UserId(), deletion.MessageId()));

        var certificate = await privacy.GetAsync(completed["certificate_url"]!.GetValue<string>());
        Assert.True(certificate.Status == HttpStatusCode.OK, certificate.ToString());
        Assert.Equal(["crm"], certificate.Json!["exportDestinations"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.DoesNotContain("zoe", certificate.Body, StringComparison.Ordinal);

        // Erased: gone from the audience; the other member is untouched and nothing more was sent about zoe.
        var members = await Poll.UntilAsync(() => host.MembersAsync("pro"), m => !m.Contains(zoe), "zoe to leave the members listing");
        Assert.Single(members);
        await host.WaitForDrainedAsync("crm");
        Assert.Equal(["Audience Entered", "delete"], receiver.Requests.SelectMany(r => r.Events).Where(e => e.UserId() == "zoe").Select(e => e.Event() ?? e.Type()));
    }

    [Fact]
    public async Task Erasure_WhileTheEntryIsStillBeingRetried_TheEntryIsNeverDelivered()
    {
        await using var receiver = await AudienceReceiver.StartAsync();
        receiver.FailEverything(StatusCodes.Status503ServiceUnavailable);
        await using var host = AudienceHost.Start(AudienceHost.Webhook("crm", receiver.Url, maxAttempts: 50));
        var privacy = new PrivacyClient(host.Client.Http, LocalHostFactory.AdminKey);
        await host.PutSegmentAsync("pro", """{"trait":"plan","op":"eq","value":"pro"}""", "crm");
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("xia", "xia-identify-1", plan: "pro", marketing: true, email: "xia@example.com"));
        await receiver.WaitForRequestsAsync(1, "a first, refused, try of xia's entry");

        var requestId = Guid.NewGuid().ToString();
        var submitted = await privacy.SubmitAsync(OpenDsrBodies.Body(requestId, "erasure", new Dictionary<string, string> { ["email"] = "xia@example.com" }));
        Assert.True(submitted.Status == HttpStatusCode.Created, submitted.ToString());
        var completed = await privacy.WaitForStatusAsync(requestId, "completed");
        receiver.Recover();

        // Someone who qualifies after the receiver is back is queued after xia's entry: once theirs arrived and nothing is
        // queued, xia's would have arrived too, had the erasure left it in the queue.
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("wes", "wes-identify-1", plan: "pro", marketing: true));
        await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "wes"), "wes's Audience Entered");
        await host.WaitForDrainedAsync("crm");

        Assert.DoesNotContain(receiver.DeliveredEvents, e => e.UserId() == "xia");
        Assert.Empty((await host.Client.GetAsync("/api/destinations/crm/dead-letters")).Json!["deadLetters"]!.AsArray());
        var certificate = await privacy.GetAsync(completed["certificate_url"]!.GetValue<string>());
        Assert.True(certificate.Json!["verification"]!["clean"]!.GetValue<bool>(), certificate.ToString());
    }
}
