using Cdp.Core.Privacy;
using Cdp.Core.Workflows;
using Cdp.Local.Storage;
using Cdp.Local.Workflows;

namespace Cdp.Local.Privacy;

/// <summary>
/// What the local host does once a privacy workflow is over, so no copy of the subject outlives the erasure: it purges
/// the finished workflow instances of finished requests from the journal (input, output, history, like Durable Functions'
/// purge of instance history), then checkpoints both databases' write-ahead logs and truncates them, so the older page
/// images they held are gone too (secure_delete has already zeroed the rows in the files). Runs after each privacy
/// workflow finishes and once at start-up, which catches up after a crash between the two.
/// </summary>
public sealed partial class PrivacyTraceScrubber(
    SqliteWorkflowJournal journal,
    SqliteDatabase database,
    IPrivacyRequestStore requests,
    ILogger<PrivacyTraceScrubber> logger) : IDisposable
{
    public static readonly IReadOnlyList<string> PrivacyWorkflows = [ErasureWorkflow.WorkflowName, AccessWorkflow.WorkflowName];

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Best effort: a failure is logged and made good by the next run (the next privacy workflow or start-up).</summary>
    public async Task ScrubAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var purged = 0;
            foreach (var instanceId in await journal.GetFinishedAsync(PrivacyWorkflows, cancellationToken))
            {
                if (await IsOverAsync(instanceId, cancellationToken) && await journal.PurgeAsync(instanceId, cancellationToken))
                {
                    purged++;
                }
            }

            var journalTruncated = await journal.CheckpointAsync(cancellationToken);
            var databaseTruncated = await database.CheckpointAsync(cancellationToken);
            if (!journalTruncated || !databaseTruncated)
            {
                LogBusy(logger, journalTruncated ? SqliteDatabase.FileName : SqliteWorkflowJournal.FileName);
            }

            LogScrubbed(logger, purged);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// An instance may go once its request is completed or cancelled (or gone). A failed attempt of a request still in
    /// progress stays: Core looks at it to start the next attempt when the request is submitted again.
    /// </summary>
    private async Task<bool> IsOverAsync(string instanceId, CancellationToken cancellationToken)
    {
        var input = WorkflowJson.Deserialize(await journal.GetInputAsync(instanceId, cancellationToken), typeof(PrivacyWorkflowInput)) as PrivacyWorkflowInput;
        if (input?.RequestId is not { Length: > 0 } requestId)
        {
            return true;
        }

        var request = await requests.GetAsync(requestId, cancellationToken);
        return request is null || request.Value.Value.IsFinished;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy workflows over: {Purged} journal instance(s) purged, write-ahead logs truncated")]
    private static partial void LogScrubbed(ILogger logger, int purged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The write-ahead log of {File} stayed busy and was not truncated; the next privacy workflow or start-up tries again")]
    private static partial void LogBusy(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Purging finished privacy workflows failed; the next privacy workflow or start-up tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>
/// The local workflow journal, with one addition: when a privacy workflow instance finishes, the
/// <see cref="PrivacyTraceScrubber"/> runs before the runner reports it finished.
/// </summary>
public sealed class PrivacyScrubbingJournal(SqliteWorkflowJournal inner, PrivacyTraceScrubber scrubber) : Core.Workflows.Replay.IWorkflowJournal
{
    public Task<(WorkflowInstance Instance, bool Created)> CreateIfAbsentAsync(
        string workflowName, string instanceId, string inputJson, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.CreateIfAbsentAsync(workflowName, instanceId, inputJson, now, cancellationToken);

    public Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken) => inner.GetAsync(instanceId, cancellationToken);

    public Task<string> GetInputAsync(string instanceId, CancellationToken cancellationToken) => inner.GetInputAsync(instanceId, cancellationToken);

    public Task<IReadOnlyList<string>> GetUnfinishedAsync(CancellationToken cancellationToken) => inner.GetUnfinishedAsync(cancellationToken);

    public Task<Core.Workflows.Replay.WorkflowHistory> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        inner.GetHistoryAsync(instanceId, cancellationToken);

    public Task<int> StartEpisodeAsync(string instanceId, DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        inner.StartEpisodeAsync(instanceId, startedAt, cancellationToken);

    public Task RecordActivityAsync(string instanceId, Core.Workflows.Replay.ActivityRecord record, CancellationToken cancellationToken) =>
        inner.RecordActivityAsync(instanceId, record, cancellationToken);

    public async Task FinishAsync(
        string instanceId, WorkflowStatus status, string? outputJson, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await inner.FinishAsync(instanceId, status, outputJson, error, now, cancellationToken);
        if (await inner.GetAsync(instanceId, cancellationToken) is { } instance && PrivacyTraceScrubber.PrivacyWorkflows.Contains(instance.Name))
        {
            await scrubber.ScrubAsync(cancellationToken);
        }
    }
}

/// <summary>Runs the scrubber once at start-up: a crash after a privacy workflow finished but before it was scrubbed is made good.</summary>
public sealed class PrivacyScrubAtStartup(PrivacyTraceScrubber scrubber) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => scrubber.ScrubAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
