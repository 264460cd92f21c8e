using Cdp.Core.Segments;

namespace Cdp.Local.Segments;

/// <summary>
/// The local stand-in for Azure's timer trigger: starts the refresh of each slot of <c>SegmentRefreshSchedule</c> on the
/// journaled workflow runner. Slot instance ids are deterministic, so a slot started before a restart is not started twice.
/// </summary>
public sealed partial class SegmentRefreshScheduler(SegmentRefreshStarter starter, TimeProvider time, ILogger<SegmentRefreshScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = starter.NextSlot(time.GetUtcNow());
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = next - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }

                var instance = await starter.StartSlotAsync(next, stoppingToken);
                LogStarted(logger, instance.InstanceId);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The next slot tries again; a missed slot is caught up by the one after it (a refresh evaluates everyone).
                LogFailed(logger, ex, next);
            }

            next = starter.NextSlot(next);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started segment refresh {InstanceId}")]
    private static partial void LogStarted(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Starting the segment refresh of slot {Slot} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, DateTimeOffset slot);
}
