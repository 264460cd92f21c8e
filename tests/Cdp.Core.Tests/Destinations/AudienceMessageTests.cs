using System.Text;
using System.Text.Json;
using Cdp.Core.Destinations;
using Cdp.Core.Segments;

namespace Cdp.Core.Tests.Destinations;

public sealed class AudienceMessageTests : IDisposable
{
    private readonly DestinationHarness _h = new();

    [Fact]
    public async Task Batch_DefaultMapping_SendsIdsAudienceAndUserIdAndEmailOnly()
    {
        var profile = await _h.ProfileAsync("p1");
        var delivery = _h.Delivery("crm", "p1", AudienceDeliveryKinds.Exited);

        var body = AudienceMessage.Batch([AudienceMessage.For(delivery, profile, new FieldMapping(new Dictionary<string, string>()))]);

        var text = Encoding.UTF8.GetString(body);
        var sent = JsonDocument.Parse(body).RootElement.GetProperty("batch")[0];
        Assert.Equal(("track", "Audience Exited", delivery.Id), (sent.GetProperty("type").GetString(), sent.GetProperty("event").GetString(),
            sent.GetProperty("messageId").GetString()));
        Assert.Equal(delivery.At, sent.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(("vip", "VIP customers"), (sent.GetProperty("properties").GetProperty("audience_key").GetString(),
            sent.GetProperty("properties").GetProperty("audience_name").GetString()));
        Assert.Equal(["email", "userId"], sent.GetProperty("context").GetProperty("traits").EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("secretNote", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pro", text.Replace("properties", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task For_CustomMapping_ReadsEachSourceAndLeavesOutWhatTheProfileLacks()
    {
        var profile = await _h.ProfileAsync("p1");
        profile.Computed.EventCount = 7;
        var mapping = new FieldMapping(new Dictionary<string, string>
        {
            ["tier"] = "traits.plan",
            ["id"] = "profileId",
            ["events"] = "computed.eventCount",
            ["phone"] = "identifiers.phone",
        });

        var message = AudienceMessage.For(_h.Delivery("crm", "p1"), profile, mapping);

        Assert.Equal(["events", "id", "tier"], message.Fields.Select(f => f.Name));
        Assert.Equal(["7", "p1", "pro"], message.Fields.Select(f => f.Text));
        Assert.Equal(["userId", "events", "id", "tier"], message.FieldNames);
    }

    [Fact]
    public async Task For_ProfileWithoutUserOrAnonymousId_UsesTheProfileIdAsAnonymousId()
    {
        var profile = await _h.ProfileAsync("p1");
        profile.Identifiers.RemoveAll(i => i.Type == "userId");

        var message = AudienceMessage.For(_h.Delivery("crm", "p1"), profile, new FieldMapping(new Dictionary<string, string>()));

        Assert.Equal((null, "p1"), (message.UserId, message.AnonymousId));
    }

    public void Dispose() => _h.Dispose();
}
