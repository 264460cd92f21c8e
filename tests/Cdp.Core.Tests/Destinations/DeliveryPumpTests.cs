using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cdp.Core.Destinations;
using Cdp.Core.Segments;

namespace Cdp.Core.Tests.Destinations;

public sealed class DeliveryPumpTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly DestinationHarness _h = new();

    [Fact]
    public async Task RunOnceAsync_EnteredDelivery_PostsASignedBatchAndRecordsWhatLeft()
    {
        await _h.ProfileAsync("p1");
        var delivery = _h.Delivery("crm", "p1");
        await _h.Activation.EnqueueAsync([delivery], None);

        await _h.DrainAsync("crm");

        var request = Assert.Single(_h.Receiver.At("crm.test"));
        Assert.Equal(delivery.Id, request.WebhookId);
        Assert.Equal(new StandardWebhooks.StandardWebhook(DestinationHarness.Secret).Sign(request.WebhookId, _h.Now, request.Body), request.Signature);
        var sent = JsonDocument.Parse(request.Body).RootElement.GetProperty("batch")[0];
        Assert.Equal("Audience Entered", sent.GetProperty("event").GetString());
        Assert.Equal(delivery.Id, sent.GetProperty("messageId").GetString());
        Assert.Equal("user-p1", sent.GetProperty("userId").GetString());
        Assert.Equal(DeliveryStates.Sent, _h.Row(delivery.Id).State);
        var record = Assert.Single(_h.Ledger.All);
        Assert.Equal((delivery.Id, "p1", "crm", "vip"), (record.Id, record.ProfileId, record.Destination, record.Segment));
        Assert.Equal(["userId", "email"], record.Fields!);
    }

    [Fact]
    public async Task RunOnceAsync_429WithRetryAfter_IsNotRetriedBeforeThatTime()
    {
        await _h.ProfileAsync("p1");
        _h.Receiver.Answer("crm.test", HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120)));
        await _h.Activation.EnqueueAsync([_h.Delivery("crm", "p1")], None);

        await _h.DrainAsync("crm");
        _h.Core.Time.Advance(TimeSpan.FromSeconds(119));
        await _h.DrainAsync("crm");
        Assert.Single(_h.Receiver.At("crm.test"));

        _h.Core.Time.Advance(TimeSpan.FromSeconds(1));
        await _h.DrainAsync("crm");
        Assert.Equal(2, _h.Receiver.At("crm.test").Count);
        Assert.Equal(DeliveryStates.Sent, _h.Row(_h.Delivery("crm", "p1").Id).State);
    }

    [Fact]
    public async Task RunOnceAsync_RetryAfterAsHttpDate_IsHonoured()
    {
        await _h.ProfileAsync("p1");
        var until = _h.Now.AddMinutes(3);
        _h.Receiver.Answer("crm.test", HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(until));
        var delivery = _h.Delivery("crm", "p1");
        await _h.Activation.EnqueueAsync([delivery], None);

        await _h.DrainAsync("crm");

        Assert.Equal(until, _h.Row(delivery.Id).NextAttemptAt);
    }

    [Fact]
    public async Task RunOnceAsync_500_RetriesLaterWithTheSameWebhookId()
    {
        await _h.ProfileAsync("p1");
        _h.Receiver.Answer("crm.test", HttpStatusCode.InternalServerError);
        var delivery = _h.Delivery("crm", "p1");
        await _h.Activation.EnqueueAsync([delivery], None);

        await _h.DrainAsync("crm");
        Assert.Equal("HTTP 500", _h.Row(delivery.Id).Reason);
        _h.Core.Time.Advance(TimeSpan.FromSeconds(5));
        await _h.DrainAsync("crm");

        var requests = _h.Receiver.At("crm.test");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(delivery.Id, r.WebhookId));
        Assert.Equal(DeliveryStates.Sent, _h.Row(delivery.Id).State);
    }

    [Fact]
    public async Task RunOnceAsync_FailingMaxAttemptsTimes_DeadLettersWithTheLastReason()
    {
        await _h.ProfileAsync("p1");
        _h.Receiver.Answer("crm.test", HttpStatusCode.BadGateway).Answer("crm.test", HttpStatusCode.BadGateway)
            .Answer("crm.test", HttpStatusCode.ServiceUnavailable);
        var delivery = _h.Delivery("crm", "p1");
        await _h.Activation.EnqueueAsync([delivery], None);

        for (var i = 0; i < 5; i++)
        {
            await _h.DrainAsync("crm");
            _h.Core.Time.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(3, _h.Receiver.At("crm.test").Count);
        var row = _h.Row(delivery.Id);
        Assert.Equal((DeliveryStates.DeadLettered, 3, "HTTP 503"), (row.State, row.Attempts, row.Reason));
        Assert.Empty(_h.Ledger.All);
    }

    [Fact]
    public async Task RunOnceAsync_400_DeadLettersAtOnce()
    {
        await _h.ProfileAsync("p1");
        _h.Receiver.Answer("crm.test", HttpStatusCode.BadRequest);
        var delivery = _h.Delivery("crm", "p1");
        await _h.Activation.EnqueueAsync([delivery], None);

        await _h.DrainAsync("crm");

        var row = _h.Row(delivery.Id);
        Assert.Equal(DeliveryStates.DeadLettered, row.State);
        Assert.StartsWith("HTTP 400", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedriveAsync_DeadLetter_IsDeliveredByTheNextCycle()
    {
        await _h.ProfileAsync("p1");
        _h.Receiver.Answer("crm.test", HttpStatusCode.Gone);
        var delivery = _h.Delivery("crm", "p1");
        await _h.Activation.EnqueueAsync([delivery], None);
        await _h.DrainAsync("crm");

        Assert.Equal(1, await _h.Queue.RedriveAsync("crm", null, _h.Now, None));
        await _h.DrainAsync("crm");

        Assert.Equal(DeliveryStates.Sent, _h.Row(delivery.Id).State);
        Assert.Equal(2, _h.Receiver.At("crm.test").Count);
    }

    [Fact]
    public async Task RunOnceAsync_LeasedByAPumpThatDied_IsSentOnceTheLeaseExpires()
    {
        await _h.ProfileAsync("p1");
        var delivery = _h.Delivery("crm", "p1");
        await _h.Activation.EnqueueAsync([delivery], None);
        await _h.Queue.LeaseDueAsync("crm", 10, _h.Now, _h.Now.AddSeconds(60), None);

        await _h.DrainAsync("crm");
        Assert.Empty(_h.Receiver.At("crm.test"));

        _h.Core.Time.Advance(TimeSpan.FromSeconds(60));
        await _h.DrainAsync("crm");
        Assert.Equal(delivery.Id, Assert.Single(_h.Receiver.At("crm.test")).WebhookId);
    }

    [Fact]
    public async Task RunOnceAsync_ProfileErasedBeforeSending_DropsWithoutSending()
    {
        var delivery = _h.Delivery("crm", "gone");
        await _h.Activation.EnqueueAsync([delivery], None);

        await _h.DrainAsync("crm");

        Assert.Empty(_h.Receiver.Received);
        Assert.Equal((DeliveryStates.Dropped, "profile erased or missing"), (_h.Row(delivery.Id).State, _h.Row(delivery.Id).Reason));
        Assert.Empty(_h.Ledger.All);
    }

    [Fact]
    public async Task RunOnceAsync_EnteredButConsentWithdrawn_DropsWhileAnExitIsStillSent()
    {
        await _h.ProfileAsync("p1", marketing: false);
        var entered = _h.Delivery("crm", "p1");
        var exited = _h.Delivery("crm", "p1", AudienceDeliveryKinds.Exited, seq: 2);
        await _h.Activation.EnqueueAsync([entered, exited], None);

        await _h.DrainAsync("crm");

        Assert.Equal(DeliveryStates.Dropped, _h.Row(entered.Id).State);
        var body = JsonDocument.Parse(Assert.Single(_h.Receiver.At("crm.test")).Body).RootElement;
        Assert.Equal("Audience Exited", Assert.Single(body.GetProperty("batch").EnumerateArray()).GetProperty("event").GetString());
    }

    [Fact]
    public async Task RunAsync_OneDestinationNeverAnswers_AnotherIsDeliveredMeanwhile()
    {
        await _h.ProfileAsync("p1");
        _h.Receiver.Hang("crm.test");
        using var stop = new CancellationTokenSource();
        var running = _h.Pump.RunAsync(stop.Token);

        await _h.Activation.EnqueueAsync([_h.Delivery("crm", "p1")], None);
        await Task.Delay(100);
        await _h.Activation.EnqueueAsync([_h.Delivery("ads", "p1")], None);

        for (var i = 0; i < 200 && _h.Receiver.At("ads.test").Count == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Single(_h.Receiver.At("ads.test"));
        Assert.Single(_h.Receiver.At("crm.test"));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task DrainAsync_DeliveriesForSeveralDestinations_SendsEachWithinOnePass()
    {
        await _h.ProfileAsync("p1");
        await _h.Activation.EnqueueAsync([_h.Delivery("crm", "p1"), _h.Delivery("ads", "p1"), _h.Delivery("files", "p1")], None);

        await _h.Pump.DrainAsync(TimeSpan.FromSeconds(8), None);

        Assert.Equal((1, 1), (_h.Receiver.At("crm.test").Count, _h.Receiver.At("ads.test").Count));
        Assert.All(_h.Queue.All, r => Assert.Equal(DeliveryStates.Sent, r.State));
    }

    [Fact]
    public async Task RunOnceAsync_FileDestination_WritesAChangeFileWithTheMappedFieldsOnly()
    {
        await _h.ProfileAsync("p1");
        var delivery = _h.Delivery("files", "p1");
        await _h.Activation.EnqueueAsync([delivery], None);

        await _h.DrainAsync("files");

        var record = Assert.Single(_h.Ledger.All);
        Assert.Equal(["email", "plan"], record.Fields!);
        var csv = System.Text.Encoding.UTF8.GetString((await _h.Documents.ReadAsync(record.File!.Area, record.File.Path, None))!);
        Assert.StartsWith("event,audience_key,message_id,timestamp,email,plan", csv, StringComparison.Ordinal);
        Assert.Contains("Audience Entered,vip," + delivery.Id, csv, StringComparison.Ordinal);
        Assert.Contains("p1@example.com,pro", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("user-p1", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("do not send", csv, StringComparison.Ordinal);
    }

    public void Dispose() => _h.Dispose();
}
