using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Azure.Ingestion;
using Cdp.Core;
using Cdp.Core.Ingestion;

namespace Cdp.Azure.Tests.Ingestion;

/// <summary>Against Azurite: one JSON blob per dead letter, named from the message so a repeat overwrites.</summary>
public sealed class BlobDeadLetterArchiveTests(AzuriteBlobs azurite) : IClassFixture<AzuriteBlobs>
{
    private const string Message = """{"type":"track","userId":"u-1","event":"Viewed","messageId":"m-1"}""";

    private static readonly DateTimeOffset EnqueuedAt = new(2025, 3, 1, 23, 59, 0, TimeSpan.Zero);

    [Fact]
    public async Task WriteAsync_ContainerMissing_CreatesItAndStoresTheLetterAsJson()
    {
        var container = azurite.NewContainer();
        var letter = Letter();

        await new BlobDeadLetterArchive(container).WriteAsync(letter, CancellationToken.None);

        var blob = container.GetBlobClient($"2025/03/01/{Sha256(Message)}.json");
        var stored = JsonSerializer.Deserialize((await blob.DownloadContentAsync()).Value.Content.ToString(), CdpJsonContext.Default.DeadLetter);
        Assert.Equal(letter, stored);
        Assert.Equal("application/json", (await blob.GetPropertiesAsync()).Value.ContentType);
    }

    [Fact]
    public async Task WriteAsync_SameMessageAgainLater_OverwritesTheOneEntry()
    {
        var container = azurite.NewContainer();
        var archive = new BlobDeadLetterArchive(container);

        await archive.WriteAsync(Letter(), CancellationToken.None);
        await archive.WriteAsync(Letter() with { Attempts = 7, DeadLetteredAt = EnqueuedAt.AddDays(1) }, CancellationToken.None);

        var blobs = new List<string>();
        await foreach (var item in container.GetBlobsAsync())
        {
            blobs.Add(item.Name);
        }

        Assert.Equal([$"2025/03/01/{Sha256(Message)}.json"], blobs);
        var stored = JsonSerializer.Deserialize((await container.GetBlobClient(blobs[0]).DownloadContentAsync()).Value.Content.ToString(), CdpJsonContext.Default.DeadLetter);
        Assert.Equal(7, stored!.Attempts);
    }

    [Fact]
    public void PathFor_NoEnqueuedTime_UsesTheDayItWasSetAsideInUtc()
    {
        var letter = Letter() with { EnqueuedAt = null, DeadLetteredAt = new DateTimeOffset(2025, 3, 2, 0, 30, 0, TimeSpan.FromHours(2)) };

        Assert.Equal($"2025/03/01/{Sha256(Message)}.json", BlobDeadLetterArchive.PathFor(letter));
    }

    private static DeadLetter Letter() => new()
    {
        Message = Message,
        Kind = DeadLetterKinds.ProcessingFailed,
        Reason = "System.InvalidOperationException: cannot process",
        Attempts = 5,
        DeadLetteredAt = EnqueuedAt.AddMinutes(3),
        Index = 4,
        BatchSize = 10,
        MessageId = "m-1",
        PartitionId = "3",
        SequenceNumber = 1234,
        EnqueuedAt = EnqueuedAt,
    };

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
