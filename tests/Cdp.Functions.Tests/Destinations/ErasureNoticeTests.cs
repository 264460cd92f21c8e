using Cdp.Core.Privacy;
using Cdp.Core.Tests.Privacy;
using Cdp.Functions.Tests.Infrastructure;

namespace Cdp.Functions.Tests.Destinations;

/// <summary>
/// Erasure of a person the webhook destination received, on the Functions app: the OpenDSR HTTP function starts the
/// erasure orchestration in the Durable Task host, whose NotifyDestinations activity function sends the destination a
/// signed deletion notice, and the certificate lists the destination.
/// </summary>
public sealed class ErasureNoticeTests
{
    [Fact]
    public async Task Erasure_PersonSentToTheWebhook_ReceiverGetsASignedDeletionNoticeAndTheCertificateListsTheDestination()
    {
        using var scenario = new AudienceScenario();
        await using var durable = await DurableFunctionsHost.StartAsync(scenario.Harness);
        await scenario.SaveSegmentAsync();
        await scenario.ProcessAsync([.. await scenario.BuyerAsync("ana-1", marketing: true), .. await scenario.BuyerAsync("bo-2", marketing: true)],
            durable.Client);
        await scenario.PumpAsync();
        var ana = await scenario.ProfileAsync("ana-1");
        Assert.Equal(2, Assert.Single(scenario.Receiver.Received).Events.Count);
        var api = new PrivacyApi(scenario.Harness, durable.Client);
        var request = PrivacyRequestBuilder.Erasure(("userId", "ana-1")).Submitted(scenario.Now.AddHours(-1)).Callback("https://dsr.example.com/callback");

        var status = await api.SubmitAndWaitAsync(request.ToOpenDsrV3Json(), request.Id!);

        Assert.Equal(PrivacyRequestStatuses.Completed, status.Json.GetProperty("request_status").GetString());
        var notice = Assert.Single(scenario.Receiver.Received.Skip(1));
        Assert.Null(notice.Unverified);
        Assert.Equal($"erasure:{request.Id}:{AudienceScenario.Destination}", notice.WebhookId);
        var delete = Assert.Single(notice.Events);
        Assert.Equal("delete", delete.GetProperty("type").GetString());
        Assert.Equal("ana-1", delete.GetProperty("userId").GetString());
        Assert.Equal($"erasure:{request.Id}:{AudienceScenario.Destination}:{ana.Id}", delete.GetProperty("messageId").GetString());
        Assert.DoesNotContain("bo-2", notice.Body, StringComparison.Ordinal);

        var certificate = await api.CertificateAsync(request.Id!);
        Assert.Equal(200, certificate.Status);
        Assert.Equal([AudienceScenario.Destination], certificate.Json.GetProperty("exportDestinations").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(1, certificate.Json.GetProperty("counts").GetProperty(NotifyDestinationsActivity.NoticesCount).GetInt32());
        Assert.True(certificate.Json.GetProperty("verification").GetProperty("clean").GetBoolean());
        Assert.DoesNotContain(ana.Id, scenario.Harness.Profiles.Ids);
    }
}
