using System.Text.Json;
using Cdp.Core.Destinations;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Tests.Destinations;
using Microsoft.Extensions.DependencyInjection;
using Cdp.Core.Segments;

namespace Cdp.Core.Tests.Privacy;

public sealed class NotifyDestinationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Erasure_SubjectSentToAWebhook_SendsASignedDeletionNoticeAndEmptiesTheirQueue()
    {
        var receiver = new FakeReceiver();
        using var privacy = new PrivacyHarness(core => core
            .With("Cdp:Destinations:crm:Type", "webhook")
            .With("Cdp:Destinations:crm:Url", "https://crm.test/hooks")
            .With("Cdp:Destinations:crm:Secret", DestinationHarness.Secret)
            .With("Cdp:Destinations:crm:Purposes:0", "marketing")
            .WithServices(s => s.AddHttpClient(WebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => receiver)));
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        var (jane, bob) = (subjects.JaneProfile.Id, subjects.BobProfile.Id);
        await privacy.Ledger.RecordAsync(new ExportRecord($"vip:{jane}:crm:1", jane, "crm", TestOptions.Now, Fields: ["userId", "email"], Segment: "vip"), None);
        var queue = privacy.Get<IDeliveryQueue>();
        await queue.EnqueueAsync([Delivery(jane), Delivery(bob)], None);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));

        var notice = Assert.Single(receiver.At("crm.test"));
        Assert.Equal($"erasure:{request.Id}:crm", notice.WebhookId);
        Assert.Equal(new StandardWebhooks.StandardWebhook(DestinationHarness.Secret)
            .Sign(notice.WebhookId, DateTimeOffset.FromUnixTimeSeconds(long.Parse(notice.Timestamp!, System.Globalization.CultureInfo.InvariantCulture)), notice.Body),
            notice.Signature);
        var deletion = Assert.Single(JsonDocument.Parse(notice.Body).RootElement.GetProperty("batch").EnumerateArray());
        Assert.Equal(("delete", TwoSubjects.JaneUserId), (deletion.GetProperty("type").GetString(), deletion.GetProperty("userId").GetString()));
        Assert.Equal(new DeliveryCounts(1, 0), await queue.CountAsync("crm", None));
        var certificate = JsonSerializer.Deserialize(
            (await privacy.Documents.ReadAsync(DocumentAreas.Certificates, request.Id + ".json", None))!, PrivacyJsonContext.Default.ErasureCertificate)!;
        Assert.Contains("crm", certificate.ExportDestinations);
        Assert.Equal((1, 1), (certificate.Counts[NotifyDestinationsActivity.NoticesCount], certificate.Counts[NotifyDestinationsActivity.QueuedDeliveriesCount]));
    }

    [Fact]
    public async Task Erasure_WebhookRefusesTheNotice_StillCompletes()
    {
        var receiver = new FakeReceiver().Answer("crm.test", System.Net.HttpStatusCode.NotFound);
        using var privacy = new PrivacyHarness(core => core
            .With("Cdp:Destinations:crm:Type", "webhook")
            .With("Cdp:Destinations:crm:Url", "https://crm.test/hooks")
            .With("Cdp:Destinations:crm:Secret", DestinationHarness.Secret)
            .With("Cdp:Destinations:crm:Purposes:0", "marketing")
            .WithServices(s => s.AddHttpClient(WebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => receiver)));
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        await privacy.Ledger.RecordAsync(new ExportRecord("d1", subjects.JaneProfile.Id, "crm", TestOptions.Now), None);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        Assert.Contains(privacy.Audit.All, e => e.Action == "destinations_notified" && e.Outcome == PrivacyAuditOutcomes.Failed
            && e.Detail!.Contains("HTTP 404", StringComparison.Ordinal));
    }

    private static AudienceDelivery Delivery(string profileId) =>
        new($"vip:{profileId}:crm:1", "crm", "vip", "VIP", profileId, AudienceDeliveryKinds.Entered, TestOptions.Now);
}
