using System.Net;
using Cdp.Core.Ingestion;
using Cdp.Local.Ingestion;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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
