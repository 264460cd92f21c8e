using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Ingestion;

/// <summary>What a retried piece of work is, for logs and the metrics' <c>scope</c> tag. Never carries a payload.</summary>
public readonly record struct RetryTarget(string Scope, string Description)
{
    public static RetryTarget Batch(int count) => new("batch", $"hub batch of {count} events");

    public static RetryTarget Message(int index, string? messageId) => new("message", $"hub message {index} (messageId {messageId})");

    public static RetryTarget DeadLetter(int index) => new("dead-letter", $"dead letter of hub message {index}");
}

/// <summary>Work that failed every attempt it was allowed, and how many tries it had in all.</summary>
public sealed record AttemptFailure(Exception Exception, int Tries);

/// <summary>
/// Runs one piece of work until it succeeds, pausing between failures through the injected clock (capped exponential
/// back-off). A transient failure never uses up an attempt: it is waited out for as long as it lasts, because a store
/// that is down says nothing about the message. Only the invocation's cancellation ends that wait, and it propagates.
/// </summary>
public sealed partial class RetryLoop(
    ITransientFaults faults, IOptions<HubRetryOptions> options, ProcessingMetrics metrics, TimeProvider time, ILogger<RetryLoop> logger)
{
    private readonly HubRetryOptions _options = options.Value;

    /// <summary>Null once the work succeeded; the last failure when <see cref="HubRetryOptions.MaxAttempts"/> non-transient failures were reached.</summary>
    public async Task<AttemptFailure?> RunAsync(Func<CancellationToken, Task> work, RetryTarget target, CancellationToken cancellationToken)
    {
        var tries = 0;
        var attempts = 0;
        while (true)
        {
            tries++;
            try
            {
                await work(cancellationToken);
                return null;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Anything thrown once the invocation is cancelled is the interruption itself and propagates above.
                var delay = _options.DelayAfter(tries);
                if (faults.IsTransient(ex))
                {
                    metrics.WaitedOutTransient(target.Scope);
                    LogTransient(logger, target.Description, ex.GetType().Name, tries, delay.TotalMilliseconds);
                }
                else if (++attempts >= _options.MaxAttempts)
                {
                    return new AttemptFailure(ex, tries);
                }
                else
                {
                    metrics.Retried(target.Scope);
                    LogRetry(logger, target.Description, ex.GetType().Name, attempts, _options.MaxAttempts, delay.TotalMilliseconds);
                }

                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing the {Target} failed ({ExceptionType}), attempt {Attempt} of {MaxAttempts}; retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string target, string exceptionType, int attempt, int maxAttempts, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing the {Target} failed transiently ({ExceptionType}, try {Try}); waiting {DelayMs} ms and trying again, nothing is set aside")]
    private static partial void LogTransient(ILogger logger, string target, string exceptionType, int @try, double delayMs);
}
