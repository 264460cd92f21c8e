using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Ingestion;

/// <summary>The Segment limits: 32 KB per event, 500 KB and 2,500 events per batch.</summary>
public sealed class EventIntakeLimitsTests : IDisposable
{
    private readonly CoreHarness _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task AcceptAsync_SingleEventOfExactly32KB_IsAccepted()
    {
        var e = EventBuilder.Track("Viewed").UserId("u1").SizedTo(IngestionLimits.MaxEventBytes);

        var result = await _core.SendAsync(IngestRoute.Track, e);

        Assert.Equal(IntakeStatus.Accepted, result.Status);
    }

    [Fact]
    public async Task AcceptAsync_SingleEventOneByteOver32KB_IsInvalidNamingTheLimit()
    {
        var e = EventBuilder.Track("Viewed").UserId("u1").SizedTo(IngestionLimits.MaxEventBytes + 1);

        var result = await _core.SendAsync(IngestRoute.Track, e);

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Contains("32 KB", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Accepted);
    }

    [Fact]
    public async Task AcceptAsync_BatchItemOver32KB_RejectsOnlyThatItemByIndex()
    {
        var batch = new BatchBuilder().Add(
            EventBuilder.Track("A").UserId("u1").MessageId("m0"),
            EventBuilder.Track("B").UserId("u1").MessageId("m1").SizedTo(IngestionLimits.MaxEventBytes + 1),
            EventBuilder.Track("C").UserId("u1").MessageId("m2").SizedTo(IngestionLimits.MaxEventBytes));

        var result = await _core.BatchAsync(batch);

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Equal(["m0", "m2"], result.Accepted.Select(e => e.MessageId));
        var rejected = Assert.Single(result.Rejected);
        Assert.Equal(1, rejected.Index);
        Assert.Contains("32 KB", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptAsync_BatchOfExactly500KB_IsAccepted()
    {
        var batch = BatchOf(20, i => EventBuilder.Track("Viewed").UserId("u1").MessageId($"m{i}").SizedTo(20_000))
            .SizedTo(IngestionLimits.MaxBatchBytes);

        var result = await _core.BatchAsync(batch);

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Equal(20, result.Accepted.Count);
    }

    [Fact]
    public async Task AcceptAsync_BatchOneByteOver500KB_IsInvalidNamingTheLimit()
    {
        var batch = BatchOf(20, i => EventBuilder.Track("Viewed").UserId("u1").MessageId($"m{i}").SizedTo(20_000))
            .SizedTo(IngestionLimits.MaxBatchBytes + 1);

        var result = await _core.BatchAsync(batch);

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Contains("500 KB", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Accepted);
    }

    [Fact]
    public async Task AcceptAsync_BatchOf2500Events_AcceptsAll()
    {
        var batch = BatchOf(IngestionLimits.MaxBatchEvents, i => EventBuilder.Track("e").UserId("u1").MessageId($"m{i}"));

        var result = await _core.BatchAsync(batch);

        Assert.Equal(IntakeStatus.Accepted, result.Status);
        Assert.Equal(IngestionLimits.MaxBatchEvents, result.Accepted.Count);
    }

    [Fact]
    public async Task AcceptAsync_BatchOf2501Events_IsInvalidNamingTheLimit()
    {
        var batch = BatchOf(IngestionLimits.MaxBatchEvents + 1, i => EventBuilder.Track("e").UserId("u1").MessageId($"m{i}"));

        var result = await _core.BatchAsync(batch);

        Assert.Equal(IntakeStatus.Invalid, result.Status);
        Assert.Contains("2500", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Accepted);
    }

    private static BatchBuilder BatchOf(int count, Func<int, EventBuilder> item)
    {
        var batch = new BatchBuilder();
        for (var i = 0; i < count; i++)
        {
            batch.Add(item(i));
        }

        return batch;
    }
}
