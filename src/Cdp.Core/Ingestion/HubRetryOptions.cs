using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Ingestion;

/// <summary>How a batch from the event hub is retried before its poison messages are set aside, bound from <c>Cdp:Processing:HubRetry</c>.</summary>
public sealed class HubRetryOptions
{
    public const string SectionName = "Cdp:Processing:HubRetry";

    /// <summary>
    /// Attempts at the whole batch, then at each message alone, before a message that keeps failing with a
    /// non-transient error is dead-lettered. Transient errors do not count: they are waited out.
    /// </summary>
    [Range(1, 20, ErrorMessage = "Cdp:Processing:HubRetry:MaxAttempts must be between 1 and 20")]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The pause after the first failure; each further failure doubles it up to <see cref="MaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "Cdp:Processing:HubRetry:FirstDelay must be between 00:00:00.010 and 00:01:00")]
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Cdp:Processing:HubRetry:MaxDelay must be between 00:00:01 and 00:10:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause after <paramref name="failures"/> consecutive failures: first delay doubled each time, capped.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failures);
        var doubled = FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, MaxDelay.TotalMilliseconds));
    }
}
