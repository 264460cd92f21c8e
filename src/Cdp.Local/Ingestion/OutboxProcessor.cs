using Cdp.Core.Processing;
using Cdp.Local.Identity;
using Cdp.Local.Privacy;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Ingestion;

/// <summary>
/// The local stand-in for the Event Hub trigger: drains the outbox through Core's <see cref="EventProcessor"/>,
/// sleeping until new events arrive. A failed batch stays queued and is retried after a bounded back-off.
/// </summary>
public sealed partial class OutboxProcessor(
    ILocalOutbox outbox,
    EventProcessor processor,
    PendingMerges merges,
    SuppressedEventCount suppressed,
    IOptions<LocalProcessingOptions> options,
    TimeProvider time,
    ILogger<OutboxProcessor> logger) : BackgroundService
{
    /// <summary>How long an idle loop waits for a wake-up before looking again (a safety net, not the normal path).</summary>
    internal static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);

    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Merges recorded by a batch start once its transaction has committed (and leftovers after a restart).
                await merges.DispatchAsync(stoppingToken);
                var handled = await outbox.ProcessNextPreparedAsync(
                    settings.MaxBatchSize,
                    async (events, ct) =>
                    {
                        var prepared = await processor.PrepareAsync(events, ct);
                        return async commitCt => await suppressed.AddAsync((await processor.CommitAsync(prepared, merges, commitCt)).Suppressed, commitCt);
                    },
                    async (events, ct) => await suppressed.AddAsync((await processor.ProcessAsync(events, merges, ct)).Suppressed, ct),
                    stoppingToken);
                await merges.DispatchAsync(stoppingToken);
                failures = 0;
                if (handled == 0)
                {
                    await outbox.WaitForEventsAsync(IdleWait, stoppingToken);
                }
                else if (settings.LingerMilliseconds > 0 && LocalProcessingOptions.CaughtUp(handled, settings.MaxBatchSize))
                {
                    // Caught up: let the next batch gather what arrives meanwhile (see LingerMilliseconds).
                    await Task.Delay(TimeSpan.FromMilliseconds(settings.LingerMilliseconds), time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The batch is still queued (the outbox commits only on success): wait, then try it again.
                failures++;
                var delay = Backoff(failures);
                LogFailed(logger, ex, failures, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>0.5 s, 1 s, 2 s ... capped at <see cref="MaxBackoff"/>.</summary>
    internal static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures - 1, 16))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox processing is disabled (Cdp:Local:Processing:Enabled=false): events are accepted and queued only")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing an outbox batch failed (attempt {Failures}); retrying in {DelaySeconds} s")]
    private static partial void LogFailed(ILogger logger, Exception exception, int failures, double delaySeconds);
}
