using System.Text.Json.Nodes;
using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Ingestion;

/// <summary>What intake adds to an accepted event: messageId, receipt time, skew-corrected timestamp, merged batch fields.</summary>
public sealed class EventIntakeNormalizationTests : IDisposable
{
    private readonly CoreHarness _core = new();

    public void Dispose() => _core.Dispose();

    private DateTimeOffset Now => _core.Time.GetUtcNow();

    [Fact]
    public async Task AcceptAsync_MessageIdAbsent_GeneratesADistinctOnePerEvent()
    {
        var result = await _core.BatchAsync(new BatchBuilder().Add(
            EventBuilder.Track("A").UserId("u1"),
            EventBuilder.Track("A").UserId("u1"),
            EventBuilder.Track("A").UserId("u1").MessageId("   ")));

        var ids = result.Accepted.Select(e => e.MessageId).ToList();
        Assert.All(ids, id => Assert.False(string.IsNullOrWhiteSpace(id)));
        Assert.Equal(3, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task AcceptAsync_MessageIdPresent_IsKept()
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("A").UserId("u1").MessageId("ajs-7f3c"));

        Assert.Equal("ajs-7f3c", Assert.Single(result.Accepted).MessageId);
    }

    [Fact]
    public async Task AcceptAsync_AnyEvent_IsStampedWithReceiptTime()
    {
        var result = await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("A").UserId("u1").With("receivedAt", "2000-01-01T00:00:00Z"));

        Assert.Equal(Now, Assert.Single(result.Accepted).ReceivedAt);
    }

    [Fact]
    public async Task AcceptAsync_DeviceClockAnHourAhead_CorrectsTimestampBySentAt()
    {
        // The device thinks it is an hour later than it is; the event happened 10 s before it was sent.
        var deviceNow = Now.AddHours(1);
        var e = EventBuilder.Track("A").UserId("u1").Timestamp(deviceNow.AddSeconds(-10)).SentAt(deviceNow);

        var accepted = Assert.Single((await _core.SendAsync(IngestRoute.Track, e)).Accepted);

        Assert.Equal(Now.AddSeconds(-10), accepted.Timestamp);
        Assert.Equal(deviceNow.AddSeconds(-10), accepted.OriginalTimestamp);
    }

    [Fact]
    public async Task AcceptAsync_BatchLevelSentAt_CorrectsEveryItem()
    {
        var deviceNow = Now.AddMinutes(-30);
        var batch = new BatchBuilder().SentAt(deviceNow).Add(
            EventBuilder.Track("A").UserId("u1").Timestamp(deviceNow.AddSeconds(-5)),
            EventBuilder.Track("B").UserId("u1").Timestamp(deviceNow.AddSeconds(-60)));

        var accepted = (await _core.BatchAsync(batch)).Accepted;

        Assert.Equal([Now.AddSeconds(-5), Now.AddSeconds(-60)], accepted.Select(e => e.Timestamp!.Value));
    }

    [Fact]
    public async Task AcceptAsync_ItemSentAt_WinsOverBatchSentAt()
    {
        var batch = new BatchBuilder().SentAt(Now.AddHours(-5)).Add(
            EventBuilder.Track("A").UserId("u1").Timestamp(Now.AddSeconds(-20)).SentAt(Now.AddSeconds(-10)));

        var accepted = Assert.Single((await _core.BatchAsync(batch)).Accepted);

        Assert.Equal(Now.AddSeconds(-10), accepted.Timestamp);
    }

    [Fact]
    public async Task AcceptAsync_TimestampWithoutSentAt_IsTrusted()
    {
        var when = Now.AddDays(-3);

        var accepted = Assert.Single((await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("A").UserId("u1").Timestamp(when))).Accepted);

        Assert.Equal(when, accepted.Timestamp);
    }

    [Fact]
    public async Task AcceptAsync_NoTimestamp_DefaultsToReceiptTime()
    {
        var accepted = Assert.Single((await _core.SendAsync(IngestRoute.Track, EventBuilder.Track("A").UserId("u1").SentAt(Now.AddHours(3)))).Accepted);

        Assert.Equal(Now, accepted.Timestamp);
    }

    /// <summary>Bad input never produces a 5xx: absurd but well-formed dates must not crash the skew arithmetic.</summary>
    [Fact]
    public async Task AcceptAsync_SkewCorrectionOutOfRange_DoesNotThrow()
    {
        var e = EventBuilder.Track("A").UserId("u1")
            .Timestamp(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero))
            .SentAt(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero));

        var result = await _core.BatchAsync(new BatchBuilder().Add(e, EventBuilder.Track("B").UserId("u1")));

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Contains(result.Accepted, a => a.Event == "B");
    }

    [Fact]
    public async Task AcceptAsync_BatchLevelContextAndIntegrations_MergeIntoEachItemWithItemWinning()
    {
        var batch = new BatchBuilder()
            .Context("library", new JsonObject { ["name"] = "analytics-node", ["version"] = "2.0" })
            .Context("ip", "10.0.0.1")
            .Integration("All", false)
            .Integration("Mixpanel", true)
            .Add(
                EventBuilder.Track("A").UserId("u1").Context("ip", "192.0.2.7").Integration("All", true),
                EventBuilder.Track("B").UserId("u1"));

        var accepted = (await _core.BatchAsync(batch)).Accepted;

        Assert.Equal("192.0.2.7", accepted[0].Context!["ip"].GetString());
        Assert.Equal("analytics-node", accepted[0].Context!["library"].GetProperty("name").GetString());
        Assert.True(accepted[0].Integrations!["All"].GetBoolean());
        Assert.True(accepted[0].Integrations!["Mixpanel"].GetBoolean());
        Assert.Equal("10.0.0.1", accepted[1].Context!["ip"].GetString());
        Assert.False(accepted[1].Integrations!["All"].GetBoolean());
    }

    [Fact]
    public async Task AcceptAsync_BatchContextMerged_DoesNotLeakOneItemsContextIntoAnother()
    {
        var batch = new BatchBuilder()
            .Context("locale", "en-GB")
            .Add(
                EventBuilder.Track("A").UserId("u1").Context("campaign", new JsonObject { ["name"] = "spring" }),
                EventBuilder.Track("B").UserId("u2"));

        var accepted = (await _core.BatchAsync(batch)).Accepted;

        Assert.False(accepted[1].Context!.ContainsKey("campaign"));
        Assert.Equal("en-GB", accepted[0].Context!["locale"].GetString());
    }
}
