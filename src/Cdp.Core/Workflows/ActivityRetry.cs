namespace Cdp.Core.Workflows;

/// <summary>
/// How often an activity is attempted and how long to wait in between. Exactly the arguments of Durable Functions'
/// <c>RetryPolicy(maxNumberOfAttempts, firstRetryInterval, backoffCoefficient, maxRetryInterval)</c>, with its rules,
/// so a policy that works locally is accepted in Azure.
/// </summary>
public sealed record ActivityRetry
{
    /// <summary>Durable Functions' default cap on the delay between attempts.</summary>
    public static readonly TimeSpan DefaultMaxRetryInterval = TimeSpan.FromHours(1);

    public ActivityRetry(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNumberOfAttempts);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        if (maxRetryInterval is { } max && max < firstRetryInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetryInterval), max, "maxRetryInterval must be at least firstRetryInterval.");
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? DefaultMaxRetryInterval;
    }

    /// <summary>Attempts in total, the first included (1 = no retry).</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Wait between the first and the second attempt.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Each further wait is the previous one times this (1.0 = constant).</summary>
    public double BackoffCoefficient { get; }

    /// <summary>No wait is longer than this.</summary>
    public TimeSpan MaxRetryInterval { get; }

    /// <summary>The wait after failed attempt number <paramref name="failedAttempt"/> (1-based) before the next one.</summary>
    public TimeSpan DelayAfter(int failedAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failedAttempt);
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, failedAttempt - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}
