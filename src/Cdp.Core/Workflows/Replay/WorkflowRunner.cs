using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Workflows.Replay;

/// <summary>
/// Runs a journaled workflow instance to its end: episode after episode, it replays the workflow against the journal,
/// executes the calls the workflow waits on (in parallel, bounded), records each result durably, and starts over,
/// until the workflow returns or fails. A process that dies at any point resumes from the journal: recorded
/// calls are not executed again, unrecorded ones are (activities are idempotent).
/// </summary>
public sealed partial class WorkflowRunner : IDisposable
{
    private readonly IWorkflowJournal _journal;
    private readonly WorkflowRegistry _registry;
    private readonly ActivityInvoker _activities;
    private readonly WorkflowCompletions _completions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _activitySlots;
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);

    public WorkflowRunner(
        IWorkflowJournal journal,
        WorkflowRegistry registry,
        ActivityInvoker activities,
        WorkflowCompletions completions,
        IOptions<WorkflowRunnerOptions> options,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _journal = journal;
        _registry = registry;
        _activities = activities;
        _completions = completions;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<WorkflowRunner>();
        _activitySlots = new SemaphoreSlim(options.Value.MaxConcurrentActivities);
    }

    /// <summary>
    /// Runs the instance until it completes or fails. Returns at once if it has finished, or if this runner is already
    /// running it. Cancellation stops it between writes; what was recorded stays, and a later call resumes from there.
    /// </summary>
    public async Task RunAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (!_active.TryAdd(instanceId, 0))
        {
            return;
        }

        try
        {
            await RunEpisodesAsync(instanceId, cancellationToken);
        }
        finally
        {
            _active.TryRemove(instanceId, out _);
        }
    }

    public void Dispose() => _activitySlots.Dispose();

    private async Task RunEpisodesAsync(string instanceId, CancellationToken cancellationToken)
    {
        var instance = await _journal.GetAsync(instanceId, cancellationToken);
        if (instance is null || instance.IsFinished)
        {
            return;
        }

        var workflow = _registry.TryGetWorkflow(instance.Name);
        if (workflow is null)
        {
            await FinishAsync(instanceId, new EpisodeOutcome.Failed($"No workflow named '{instance.Name}' is registered."), cancellationToken);
            return;
        }

        object? input;
        try
        {
            input = WorkflowJson.Deserialize(await _journal.GetInputAsync(instanceId, cancellationToken), workflow.InputType);
        }
        catch (System.Text.Json.JsonException ex)
        {
            await FinishAsync(instanceId, new EpisodeOutcome.Failed($"The input cannot be read as {workflow.InputType.Name}: {ex.Message}"), cancellationToken);
            return;
        }

        while (true)
        {
            var episode = await _journal.StartEpisodeAsync(instanceId, _time.GetUtcNow(), cancellationToken);
            var history = await _journal.GetHistoryAsync(instanceId, cancellationToken);
            var outcome = new WorkflowEpisode(instanceId, history, _loggers).Run(workflow, input);
            if (outcome is not EpisodeOutcome.Waiting waiting)
            {
                await FinishAsync(instanceId, outcome, cancellationToken);
                return;
            }

            LogEpisode(_logger, instanceId, episode, waiting.Calls.Count);
            await Task.WhenAll(waiting.Calls.Select(call => ExecuteAsync(instanceId, episode + 1, call, cancellationToken)));
        }
    }

    private async Task ExecuteAsync(string instanceId, int deliveredInEpisode, ScheduledActivity call, CancellationToken cancellationToken)
    {
        var maxAttempts = call.Retry?.MaxNumberOfAttempts ?? 1;
        for (var attempt = 1; ; attempt++)
        {
            string? result = null;
            Exception? failure = null;
            await _activitySlots.WaitAsync(cancellationToken);
            try
            {
                result = await _activities.InvokeAsync(call.Name, call.InputJson, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested)
            {
                // A failure while stopping is not the activity's to record: the call runs again on resume.
                throw new OperationCanceledException("The runner stopped while the activity ran.", ex, cancellationToken);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                _activitySlots.Release();
            }

            if (failure is null)
            {
                await _journal.RecordActivityAsync(
                    instanceId, new ActivityRecord(call.Sequence, call.Name, deliveredInEpisode, result, null, attempt), cancellationToken);
                return;
            }

            if (attempt >= maxAttempts)
            {
                LogActivityFailed(_logger, failure, instanceId, call.Name, call.Sequence, attempt);
                var error = $"{failure.GetType().Name}: {failure.Message}";
                await _journal.RecordActivityAsync(
                    instanceId, new ActivityRecord(call.Sequence, call.Name, deliveredInEpisode, null, error, attempt), cancellationToken);
                return;
            }

            var delay = call.Retry!.DelayAfter(attempt);
            LogActivityRetry(_logger, instanceId, call.Name, call.Sequence, attempt, delay);
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    private async Task FinishAsync(string instanceId, EpisodeOutcome outcome, CancellationToken cancellationToken)
    {
        var (status, output, error) = outcome switch
        {
            EpisodeOutcome.Completed c => (WorkflowStatus.Completed, c.OutputJson, (string?)null),
            EpisodeOutcome.Failed f => (WorkflowStatus.Failed, (string?)null, f.Error),
            _ => throw new InvalidOperationException("Only a finished episode finishes an instance."),
        };
        await _journal.FinishAsync(instanceId, status, output, error, _time.GetUtcNow(), cancellationToken);
        LogFinished(_logger, instanceId, status);
        _completions.NotifyFinished(instanceId);
    }

    [LoggerMessage(LogLevel.Debug, "Workflow {InstanceId} episode {Episode} waits on {Calls} new call(s)")]
    private static partial void LogEpisode(ILogger logger, string instanceId, int episode, int calls);

    [LoggerMessage(LogLevel.Warning, "Workflow {InstanceId}: activity {Activity} (#{Sequence}) failed attempt {Attempt}; retrying in {Delay}")]
    private static partial void LogActivityRetry(ILogger logger, string instanceId, string activity, int sequence, int attempt, TimeSpan delay);

    [LoggerMessage(LogLevel.Error, "Workflow {InstanceId}: activity {Activity} (#{Sequence}) failed on its last attempt ({Attempt})")]
    private static partial void LogActivityFailed(ILogger logger, Exception exception, string instanceId, string activity, int sequence, int attempt);

    [LoggerMessage(LogLevel.Information, "Workflow {InstanceId} {Status}")]
    private static partial void LogFinished(ILogger logger, string instanceId, WorkflowStatus status);
}
