using System.Net;
using Cdp.Core.Ingestion;
using Cdp.Local.Ingestion;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Local.Tests.Functional;

public sealed class OutboxProcessorTests
{
    [Fact]
    public async Task Process_StoreFailsTwice_BatchStaysQueuedAndIsProcessedOnRetry()
    {
        using var data = new TempDataDirectory();
        using var host = new LocalHostFactory(data.Path)
        {
            TestServices = services => services.AddSingleton<IRawEventArchive>(
                sp => new FlakyArchive(sp.GetRequiredService<FileRawEventArchive>(), failures: 2)),
        };
        var client = host.CreateCdpClient();
        var flaky = (FlakyArchive)host.Services.GetRequiredService<IRawEventArchive>();

        var response = await client.PostAsync("/v1/identify", """{"userId":"flaky-1","traits":{"plan":"basic"}}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var profile = await client.WaitForProfileAsync("userId", "flaky-1");
        Assert.Equal(1, profile.EventCount());
        Assert.Equal(3, flaky.Attempts);
        Assert.Equal(0, await client.OutboxCountAsync());
    }

    [Fact]
    public async Task Linger_AfterACaughtUpBatch_NextEventsWaitAndLandInOneBatch()
    {
        using var data = new TempDataDirectory();
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var host = new LocalHostFactory(data.Path, ("Cdp:Local:Processing:LingerMilliseconds", "500"))
        {
            TestServices = services => services.AddSingleton<TimeProvider>(time),
        };
        var client = host.CreateCdpClient();
        var archive = host.Services.GetRequiredService<FileRawEventArchive>();

        await client.PostAsync("/v1/identify", """{"userId":"linger-1","messageId":"m-linger-1"}""");
        await client.WaitForProfileAsync("userId", "linger-1");
        await client.PostAsync("/v1/identify", """{"userId":"linger-2","messageId":"m-linger-2"}""");
        await client.PostAsync("/v1/identify", """{"userId":"linger-3","messageId":"m-linger-3"}""");

        // One event was a caught-up batch: the consumer lingers on the (fake) clock, so the next two stay queued
        // however long real time passes.
        for (var look = 0; look < 8; look++)
        {
            Assert.Equal(2, await client.OutboxCountAsync());
            await Task.Delay(TimeSpan.FromMilliseconds(40));
        }

        // Once the linger is over they are processed, in one batch: one archive file holds both.
        await Poll.UntilAsync(
            async () =>
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
                return await client.OutboxCountAsync();
            },
            queued => queued == 0,
            "the lingered events processed");
        var files = new List<string>();
        foreach (var path in archive.List())
        {
            files.Add(System.Text.Encoding.UTF8.GetString((await archive.ReadAsync(path, CancellationToken.None))!));
        }

        Assert.Equal(2, files.Count);
        Assert.Single(files, f => f.Contains("m-linger-1", StringComparison.Ordinal) && !f.Contains("m-linger-2", StringComparison.Ordinal));
        Assert.Single(files, f => f.Contains("m-linger-2", StringComparison.Ordinal) && f.Contains("m-linger-3", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(100, 500, true)]
    [InlineData(125, 500, true)]
    [InlineData(126, 500, false)]
    [InlineData(0, 1, true)]
    [InlineData(1, 1, false)]
    public void CaughtUp_QueuedAgainstAQuarterOfABatch(long queued, int maxBatchSize, bool expected)
    {
        Assert.Equal(expected, LocalProcessingOptions.CaughtUp(queued, maxBatchSize));
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 1000)]
    [InlineData(4, 4000)]
    [InlineData(7, 30000)]
    [InlineData(1000, 30000)]
    public void Backoff_AfterFailures_DoublesUpToThirtySeconds(int failures, int expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), OutboxProcessor.Backoff(failures));
    }

    /// <summary>An archive whose first writes fail, like a disk that is briefly full.</summary>
    private sealed class FlakyArchive(FileRawEventArchive inner, int failures) : IRawEventArchive
    {
        private int _attempts;

        public int Attempts => _attempts;

        public Task WriteAsync(string path, ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _attempts) <= failures
                ? throw new IOException("disk briefly full")
                : inner.WriteAsync(path, ndjson, cancellationToken);

        public Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken) => inner.ReadAsync(path, cancellationToken);
    }
}
