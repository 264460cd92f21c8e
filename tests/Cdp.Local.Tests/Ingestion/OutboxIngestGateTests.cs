using Cdp.Local.Ingestion;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cdp.Local.Tests.Ingestion;

/// <summary>The local back-pressure gate: closed at the configured outbox depth, the depth read at most once per interval.</summary>
public sealed class OutboxIngestGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly Mock<ILocalOutbox> _outbox = new();
    private long _depth;

    public OutboxIngestGateTests() =>
        _outbox.Setup(o => o.CountAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => _depth);

    [Fact]
    public async Task CheckAsync_BelowTheDepth_Open()
    {
        _depth = 4;

        Assert.Null(await Gate(maxDepth: 5).CheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CheckAsync_AtTheDepth_ClosedWithTheConfiguredRetryAfter()
    {
        _depth = 5;

        var pause = await Gate(maxDepth: 5, retryAfterSeconds: 9).CheckAsync(CancellationToken.None);

        Assert.NotNull(pause);
        Assert.Equal(9, pause.RetryAfterSeconds);
        Assert.Contains("5", pause.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_ManyCallsWithinTheInterval_ReadTheDepthOnceAndReopenOnlyAfterIt()
    {
        var gate = Gate(maxDepth: 5);
        _depth = 5;
        Assert.NotNull(await gate.CheckAsync(CancellationToken.None));

        _depth = 0;
        for (var i = 0; i < 50; i++)
        {
            Assert.NotNull(await gate.CheckAsync(CancellationToken.None));
        }

        _time.Advance(OutboxIngestGate.RefreshInterval);
        var afterInterval = await gate.CheckAsync(CancellationToken.None);

        Assert.Null(afterInterval);
        _outbox.Verify(o => o.CountAsync(It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task CheckAsync_DepthCannotBeRead_KeepsTheLastDepth()
    {
        var gate = Gate(maxDepth: 5);
        _depth = 7;
        Assert.NotNull(await gate.CheckAsync(CancellationToken.None));
        _outbox.Setup(o => o.CountAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk gone"));
        _time.Advance(OutboxIngestGate.RefreshInterval);

        Assert.NotNull(await gate.CheckAsync(CancellationToken.None));
    }

    private OutboxIngestGate Gate(long maxDepth, int retryAfterSeconds = 5) => new(
        _outbox.Object,
        Options.Create(new LocalIngestionOptions { MaxQueueDepth = maxDepth, RetryAfterSeconds = retryAfterSeconds }),
        _time,
        NullLogger<OutboxIngestGate>.Instance);
}
