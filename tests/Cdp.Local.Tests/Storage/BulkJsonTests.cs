using System.Text;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Local.Storage;

namespace Cdp.Local.Tests.Storage;

public sealed class BulkJsonTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(BulkJson.ParallelFrom)]
    [InlineData(500)]
    public void Deserialize_AnyNumberOfBodies_ReturnsEachDocumentInTheOrderOfItsBody(int count)
    {
        var bodies = Enumerable.Range(0, count).Select(i => Body($"m-{i:D4}")).ToList();

        var events = BulkJson.Deserialize(bodies.Count, i => bodies[i], CdpJsonContext.Default.SegmentEvent, i => $"row {i}");

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m-{i:D4}"), events.Select(e => e.MessageId));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(100)]
    public void Deserialize_OneBodyIsJsonNull_NamesThatBody(int count)
    {
        var bodies = Enumerable.Range(0, count).Select(i => Body($"m-{i}")).ToList();
        bodies[count / 2] = "null"u8.ToArray();

        var error = Assert.Throws<InvalidDataException>(() =>
            BulkJson.Deserialize(bodies.Count, i => bodies[i], CdpJsonContext.Default.SegmentEvent, i => $"outbox row {i + 1}"));

        Assert.Equal($"outbox row {count / 2 + 1} has an empty body", error.Message);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(100)]
    public void Deserialize_OneBodyIsNotJson_ThrowsTheJsonErrorItself(int count)
    {
        var bodies = Enumerable.Range(0, count).Select(i => Body($"m-{i}")).ToList();
        bodies[^1] = "{\"type\":"u8.ToArray();

        Assert.ThrowsAny<JsonException>(() => BulkJson.Deserialize(bodies.Count, i => bodies[i], CdpJsonContext.Default.SegmentEvent, i => $"row {i}"));
    }

    private static byte[] Body(string messageId) =>
        JsonSerializer.SerializeToUtf8Bytes(new SegmentEvent { Type = EventTypes.Track, Event = "Order Completed", MessageId = messageId, UserId = "u-1" },
            CdpJsonContext.Default.SegmentEvent);
}
