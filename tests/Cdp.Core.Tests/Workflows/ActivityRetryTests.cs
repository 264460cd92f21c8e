using Cdp.Core.Workflows;

namespace Cdp.Core.Tests.Workflows;

public sealed class ActivityRetryTests
{
    [Theory]
    [InlineData(0, 1, 1.0, null)]
    [InlineData(3, 0, 1.0, null)]
    [InlineData(3, 1, 0.5, null)]
    [InlineData(3, 10, 1.0, 5)]
    public void Constructor_ValueDurableFunctionsRejects_Throws(int attempts, int firstSeconds, double coefficient, int? maxSeconds)
    {
        TimeSpan? max = maxSeconds is { } s ? TimeSpan.FromSeconds(s) : null;

        Assert.Throws<ArgumentOutOfRangeException>(() => new ActivityRetry(attempts, TimeSpan.FromSeconds(firstSeconds), coefficient, max));
    }

    [Fact]
    public void Constructor_NoMaximum_UsesDurableFunctionsDefaultOfOneHour()
    {
        Assert.Equal(TimeSpan.FromHours(1), new ActivityRetry(3, TimeSpan.FromSeconds(1)).MaxRetryInterval);
    }

    [Fact]
    public void DelayAfter_Backoff_GrowsByTheCoefficientUpToTheMaximum()
    {
        var retry = new ActivityRetry(10, TimeSpan.FromSeconds(2), backoffCoefficient: 3, maxRetryInterval: TimeSpan.FromSeconds(30));

        var delays = Enumerable.Range(1, 5).Select(retry.DelayAfter).ToList();

        Assert.Equal([2, 6, 18, 30, 30], delays.Select(d => d.TotalSeconds));
    }
}
