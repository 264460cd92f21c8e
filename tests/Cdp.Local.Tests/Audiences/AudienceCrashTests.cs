using System.Net;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// Deliveries survive the host: one in flight when the process is killed (<c>kill -9</c>) is sent again by the restarted
/// host on the same data directory once its lease has expired, under the same <c>webhook-id</c> (at least once).
/// </summary>
[Collection(AudienceTests.Name)]
public sealed class AudienceCrashTests
{
    private const string WriteKey = "audience-crash-key";

    [Fact]
    public async Task KillHard_WhileADeliveryIsInFlight_RestartedHostDeliversItWithTheSameWebhookId()
    {
        using var data = new TempDataDirectory();
        await using var receiver = await AudienceReceiver.StartAsync();
        receiver.HoldNext();
        string[] settings =
        [
            $"--Cdp:Local:DefaultWriteKey={WriteKey}",
            $"--SegmentRefreshSchedule={AudienceHost.RarelyScheduled}",
            .. AudienceHost.Webhook("crm", receiver.Url).Select(s => $"--{s.Key}={s.Value}"),

            // The lease (the least allowed) is what a restarted host waits out; the held POST must outlast the kill.
            "--Cdp:Delivery:LeaseSeconds=5",
            "--Cdp:Delivery:TimeoutSeconds=120",
        ];

        string profileId;
        await using (var first = await ChildHost.StartAsync(data.Path, settings))
        {
            var client = first.Client(WriteKey);
            var segment = await SendAsync(client, HttpMethod.Put, "/api/segments/pro",
                """{"name":"Pro","definition":{"trait":"plan","op":"eq","value":"pro"},"destinations":["crm"]}""");
            Assert.True(segment.Status == HttpStatusCode.Created, segment.ToString());
            var identify = await client.PostAsync("/v1/identify", AudienceCalls.Identify("mia", "mia-identify-1", plan: "pro", marketing: true).ToJsonString());
            Assert.True(identify.Status == HttpStatusCode.OK, identify.ToString());
            profileId = (await client.WaitForProfileAsync("userId", "mia")).Id();

            // The receiver holds the POST open: the delivery is leased and in flight when the process dies.
            await receiver.WaitForRequestsAsync(1, "the first POST to be in flight");
            first.KillHard();
        }

        var held = Assert.Single(receiver.Requests);
        Assert.Null(held.Status);
        Assert.True(held.Verified, held.ToString());
        Assert.Equal($"pro:{profileId}:crm:1", held.WebhookId);

        await using var restarted = await ChildHost.StartAsync(data.Path, settings);

        var delivered = await receiver.WaitForEventAsync(e => e.Is("Audience Entered", "mia"), "mia's Audience Entered from the restarted host");
        Assert.Equal(held.WebhookId, delivered.MessageId());
        var sent = Assert.Single(receiver.Delivered);
        Assert.Equal(held.WebhookId, sent.WebhookId);
        Assert.Equal(held.Events.Single().ToJsonString(), sent.Events.Single().ToJsonString());
        var lineage = await Poll.UntilAsync(() => restarted.Client(WriteKey).GetAsync($"/api/profiles/{profileId}/destinations"),
            r => r.Json?["deliveries"]?.AsArray().Count == 1, "the send in the lineage");
        Assert.Equal(held.WebhookId, lineage.Json!["deliveries"]![0]!["id"]!.GetValue<string>());
    }

    private static async Task<ApiResponse> SendAsync(CdpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        return await client.SendAsync(request);
    }
}
