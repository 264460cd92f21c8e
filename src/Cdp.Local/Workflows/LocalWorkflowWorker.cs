using Cdp.Core.Workflows.Replay;

namespace Cdp.Local.Workflows;

/// <summary>
/// Runs the local host's workflows: at start-up every instance the journal shows unfinished (a crash or a stop
/// interrupted it), then each instance the client starts. Instances run side by side; the runner bounds activities.
/// </summary>
public sealed partial class LocalWorkflowWorker(
    IWorkflowJournal journal,
    WorkflowRunner runner,
    WorkflowWorkQueue queue,
    TimeProvider time,
    ILogger<LocalWorkflowWorker> logger) : BackgroundService
{
    /// <summary>How long an instance whose run broke (the journal could not be written) waits before it is tried again.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var unfinished = await journal.GetUnfinishedAsync(stoppingToken);
            if (unfinished.Count > 0)
            {
                LogResuming(logger, unfinished.Count);
            }

            foreach (var id in unfinished)
            {
                queue.Enqueue(id);
            }

            await foreach (var id in queue.ReadAllAsync(stoppingToken))
            {
                Track(RunAsync(id, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what the running instances recorded stays; they resume at the next start.
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running);
    }

    private async Task RunAsync(string instanceId, CancellationToken stoppingToken)
    {
        try
        {
            await runner.RunAsync(instanceId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogRunBroke(logger, ex, instanceId, RetryDelay.TotalSeconds);
            try
            {
                await Task.Delay(RetryDelay, time, stoppingToken);
                queue.Enqueue(instanceId);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _running.Add(task);
        }

        task.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _running.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(LogLevel.Information, "Resuming {Count} unfinished workflow instance(s)")]
    private static partial void LogResuming(ILogger logger, int count);

    [LoggerMessage(LogLevel.Error, "Running workflow {InstanceId} broke; trying again in {DelaySeconds} s")]
    private static partial void LogRunBroke(ILogger logger, Exception exception, string instanceId, double delaySeconds);
}
