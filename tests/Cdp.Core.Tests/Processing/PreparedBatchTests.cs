using Cdp.Core.Events;
using Cdp.Core.Privacy;
using Cdp.Core.Processing;
using Cdp.Core.Tests.Builders;
using Cdp.Tests.InMemory;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Processing;

/// <summary>
/// A batch prepared (read and resolved) before the writer's lock and committed under it — as the embedded host does
/// when it has caught up — must end as processing it in one go would, even when the stores changed in between.
/// </summary>
public sealed class PreparedBatchTests : IDisposable
{
    private readonly CoreHarness _cdp = new();

    public void Dispose() => _cdp.Dispose();

    [Fact]
    public async Task PrepareThenCommit_RandomStreamsInBatches_EqualsProcessing()
    {
        await PerPersonBatchingPropertyTests.Streams.SampleAsync(async s =>
        {
            var events = PerPersonBatchingPropertyTests.ToEvents(s.Steps);
            using var prepared = PerPersonBatchingPropertyTests.Harness();
            using var processed = PerPersonBatchingPropertyTests.Harness();
            await PerPersonBatchingPropertyTests.SuppressAsync(prepared, s.Erased);
            await PerPersonBatchingPropertyTests.SuppressAsync(processed, s.Erased);

            var position = 0;
            for (var c = 0; position < events.Count; c++)
            {
                var batch = events.Skip(position).Take(s.Cuts[c % s.Cuts.Length]).ToList();
                position += batch.Count;
                var expected = await processed.ProcessAsync(batch);
                var actual = await prepared.Processor.CommitAsync(
                    await prepared.Processor.PrepareAsync(batch, CancellationToken.None), prepared.Merges, CancellationToken.None);
                Assert.Equal(expected, actual);
            }

            Assert.Equal(await PerPersonBatchingPropertyTests.SnapshotAsync(processed), await PerPersonBatchingPropertyTests.SnapshotAsync(prepared));
        }, iter: 60, threads: 1);
    }

    [Fact]
    public async Task Commit_MessageProcessedSincePrepare_CountsEveryEventOnce()
    {
        var first = EventBuilder.Track("Product Viewed").UserId("u-1").MessageId("m-1");
        var prepared = await PrepareAsync(first, EventBuilder.Track("Product Viewed").UserId("u-1").MessageId("m-2"));

        // Another consumer processes m-1 while this batch waits for the lock.
        await _cdp.ProcessAsync(first);
        var summary = await CommitAsync(prepared);

        Assert.Equal((1, 1), (summary.Processed, summary.Duplicates));
        Assert.Equal(2, (await _cdp.ProfileAsync("userId", "u-1")).Computed.EventCount);
        Assert.Equal(["m-1", "m-2"], _cdp.Timeline.EventsOf((await _cdp.ProfileAsync("userId", "u-1")).Id).Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Commit_SubjectSuppressedSincePrepare_WritesNothingOfTheirs()
    {
        var prepared = await PrepareAsync(
            EventBuilder.Identify().UserId("u-erased").ContextTrait("email", "erased@example.com").MessageId("m-1"),
            EventBuilder.Track("Product Viewed").UserId("u-other").MessageId("m-2"));

        // An erasure puts the subject on the suppression list (and deletes what it finds) before the batch commits.
        var key = _cdp.Services.GetRequiredService<SuppressionKeys>().For("userId", "u-erased");
        await _cdp.Services.GetRequiredService<InMemorySuppressionList>().AddAsync([new SuppressionEntry(key, "r-1", TestOptions.Now)], CancellationToken.None);
        var summary = await CommitAsync(prepared);

        Assert.Equal((1, 1), (summary.Processed, summary.Suppressed));
        Assert.Null(await _cdp.FindProfileAsync("userId", "u-erased"));
        Assert.Null(await _cdp.FindProfileAsync("email", "erased@example.com"));
        foreach (var path in _cdp.Archive.Paths)
        {
            Assert.DoesNotContain("u-erased", System.Text.Encoding.UTF8.GetString((await _cdp.Archive.ReadAsync(path, CancellationToken.None))!), StringComparison.Ordinal);
        }

        Assert.Equal(1, (await _cdp.ProfileAsync("userId", "u-other")).Computed.EventCount);
    }

    [Fact]
    public async Task Commit_ProfileChangedSincePrepare_KeepsBothChanges()
    {
        await _cdp.ProcessAsync(EventBuilder.Identify().UserId("u-1").MessageId("m-1"));
        var prepared = await PrepareAsync(EventBuilder.Track("Order Completed").UserId("u-1").MessageId("m-3"));

        // A concurrent writer (another batch, a consent change, a merge) replaces the profile the batch read.
        await _cdp.ProcessAsync(EventBuilder.Identify().UserId("u-1").Trait("plan", "pro").MessageId("m-2"));
        await CommitAsync(prepared);

        var profile = await _cdp.ProfileAsync("userId", "u-1");
        Assert.Equal(3, profile.Computed.EventCount);
        Assert.Equal("pro", profile.Traits["plan"].Value.GetString());
        Assert.Equal(1, profile.Computed.EventCounts["Order Completed"]);
    }

    private Task<PreparedBatch> PrepareAsync(params EventBuilder[] events) =>
        _cdp.Processor.PrepareAsync(_cdp.Queue(events), CancellationToken.None);

    private Task<ProcessingSummary> CommitAsync(PreparedBatch prepared) =>
        _cdp.Processor.CommitAsync(prepared, _cdp.Merges, CancellationToken.None);
}
