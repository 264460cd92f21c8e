namespace Cdp.Core.Workflows.Replay;

/// <summary>
/// Port: where a self-hosted runner keeps workflow instances and their history, so a restarted process replays
/// instead of redoing work. Every write must be durable when the returned task completes.
/// Only the local host implements it; in Azure, Durable Functions keeps its own history.
/// </summary>
public interface IWorkflowJournal
{
    /// <summary>
    /// Adds a <see cref="WorkflowStatus.Pending"/> instance unless one with that id exists. Returns the stored
    /// instance and whether this call created it; an existing instance is left untouched.
    /// </summary>
    Task<(WorkflowInstance Instance, bool Created)> CreateIfAbsentAsync(
        string workflowName, string instanceId, string inputJson, DateTimeOffset now, CancellationToken cancellationToken);

    Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The input the instance was started with, as JSON.</summary>
    Task<string> GetInputAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Ids of instances that are <see cref="WorkflowStatus.Pending"/> or <see cref="WorkflowStatus.Running"/>, oldest first.</summary>
    Task<IReadOnlyList<string>> GetUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>Episode start times and recorded activity results, each in the order they were written.</summary>
    Task<WorkflowHistory> GetHistoryAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Records that a new episode started at <paramref name="startedAt"/> and marks the instance Running.
    /// Returns the episode's number: 1 for the first, then one more than the last recorded.
    /// </summary>
    Task<int> StartEpisodeAsync(string instanceId, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Records an activity's final result. Recording a sequence number that is already recorded changes nothing,
    /// so a result written twice (after a crash) keeps the first.
    /// </summary>
    Task RecordActivityAsync(string instanceId, ActivityRecord record, CancellationToken cancellationToken);

    /// <summary>Marks the instance Completed (with its output) or Failed (with its error).</summary>
    Task FinishAsync(string instanceId, WorkflowStatus status, string? outputJson, string? error, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What an instance has durably done so far.</summary>
/// <param name="EpisodeStarts">Start time of episode 1, 2, ...</param>
/// <param name="Activities">Final activity results in the order they were recorded.</param>
public sealed record WorkflowHistory(IReadOnlyList<DateTimeOffset> EpisodeStarts, IReadOnlyList<ActivityRecord> Activities)
{
    public static readonly WorkflowHistory Empty = new([], []);
}

/// <summary>
/// The final outcome of one activity call: its result or, after its last attempt failed, its error.
/// </summary>
/// <param name="Sequence">The call's position among the workflow's calls (0, 1, ...): the same on every replay.</param>
/// <param name="Episode">The episode that first hands this result to the workflow (the one after the episode that called it).</param>
/// <param name="ResultJson">The result as JSON, when the activity succeeded.</param>
/// <param name="Error">The last attempt's error, when every attempt failed.</param>
/// <param name="Attempts">How many attempts it took.</param>
public sealed record ActivityRecord(int Sequence, string Name, int Episode, string? ResultJson, string? Error, int Attempts)
{
    public bool Succeeded => Error is null;
}
